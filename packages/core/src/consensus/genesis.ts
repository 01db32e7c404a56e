import type { ConsensusParams } from './params.js';
import { computeMerkleRoot, type Block } from '../primitives/block.js';
import type { CoinbaseTx } from '../primitives/transaction.js';
import { ZERO_ADDRESS } from '../primitives/address.js';
import { utf8ToBytes } from '../encoding/bytes.js';

/**
 * The genesis block pays nothing (its coinbase goes to the zero address with
 * amount 0) and its state is empty, so its state root is all zeros.
 */
export function genesisBlock(params: ConsensusParams): Block {
  const coinbase: CoinbaseTx = {
    kind: 'coinbase',
    chainId: params.chainId,
    height: 0,
    to: ZERO_ADDRESS,
    amount: 0n,
    stateRoot: new Uint8Array(32),
    extra: utf8ToBytes(params.genesis.message),
  };
  const txs = [coinbase];
  return {
    header: {
      version: params.blockVersion,
      prevHash: new Uint8Array(32),
      merkleRoot: computeMerkleRoot(txs),
      time: params.genesis.time,
      bits: params.genesis.bits,
      nonce: params.genesis.nonce,
    },
    txs,
  };
}
