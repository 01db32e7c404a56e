import { describe, expect, it } from 'vitest';
import { contractAddress, contractPayload, intrinsicGas } from '../consensus/contracts.js';
import { NETWORKS } from '../consensus/params.js';
import { ZERO_ADDRESS, formatAddress, parseAddress } from '../primitives/address.js';
import { decodeTx, encodeTx, txSender, verifyTransferSignature } from '../primitives/transaction.js';
import { CONTRACT_EXAMPLES } from '../contract-examples/index.js';
import { minRelayFee } from '../policy/relay-fee.js';
import { answerMismatch, buildContractTransfer, buildSignedContractTransfer, contractFee, encodeContractPayload, gasPriceForFeeRate, minContractGasPrice, type ContractAction } from './contract.js';
import { WalletError } from './errors.js';
import { NonceTracker } from './nonce.js';
import { Wallet } from './wallet.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const params = NETWORKS.regtest;
const TOKEN = 'export function init(s) { storage.set("s", s); }\nexport function get() { return storage.get("s"); }\n';
const CONTRACT = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';

async function key() {
  const wallet = await Wallet.fromMnemonic(MNEMONIC);
  const from = wallet.newAddress('main');
  return { from: from.address, key: wallet.keyFor(from.address) };
}

describe('contract transaction builder', () => {
  it('encodes the canonical payloads, which the consensus parser reads back unchanged', () => {
    const deploy = encodeContractPayload({ type: 'deploy', code: TOKEN, init: [5], gasLimit: 100_000, gasPrice: 3n });
    expect(JSON.parse(String.fromCharCode(...deploy))).toEqual({ type: 'deploy', code: TOKEN, init: [5], gasLimit: 100_000, gasPrice: '3' });
    const call = encodeContractPayload({ type: 'call', fn: 'get', args: [], gasLimit: 50_000, gasPrice: 0n });
    expect(JSON.parse(String.fromCharCode(...call))).toEqual({ type: 'call', fn: 'get', args: [], gasLimit: 50_000, gasPrice: '0' });
  });

  it('signs a deploy to the zero address with fee = gasLimit × gasPrice and value as amount', async () => {
    const { from, key: k } = await key();
    const tx = buildSignedContractTransfer({ params, action: { type: 'deploy', code: TOKEN, init: [7] }, gasLimit: 120_000, gasPrice: 2n, value: '0.5', nonce: 4n }, k);
    expect(tx.to).toEqual(ZERO_ADDRESS);
    expect(tx.fee).toBe(240_000n);
    expect(tx.amount).toBe(50_000_000n);
    expect(verifyTransferSignature(tx)).toBe(true);
    const decoded = decodeTx(encodeTx(tx));
    expect(decoded.kind).toBe('transfer');
    expect(contractPayload(tx, params)).toEqual({ type: 'deploy', code: TOKEN, init: [7], gasLimit: 120_000, gasPrice: 2n });
    // The address the node will report for this deploy.
    expect(formatAddress(contractAddress(txSender(tx), tx.nonce))).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(formatAddress(txSender(tx))).toBe(from);
  });

  it('signs a call to the contract and takes a tracker nonce only on success', async () => {
    const { key: k } = await key();
    const nonces = new NonceTracker(9n);
    const req = { params, action: { type: 'call', contract: CONTRACT, fn: 'transfer', args: ['0xabc', 5] }, gasLimit: 60_000, gasPrice: 1n, nonce: nonces } as const;
    expect(() => buildSignedContractTransfer({ ...req, gasLimit: 100 }, k)).toThrow(WalletError);
    expect(nonces.peek()).toBe(9n);
    const tx = buildSignedContractTransfer(req, k);
    expect(tx.nonce).toBe(9n);
    expect(nonces.peek()).toBe(10n);
    expect(formatAddress(tx.to)).toBe(CONTRACT);
    expect(tx.fee).toBe(contractFee(60_000, 1n));
    expect(contractPayload(tx, params)).toMatchObject({ type: 'call', fn: 'transfer', args: ['0xabc', 5] });
  });

  it('refuses what consensus would refuse, with the rule in the message', () => {
    const base = { params, gasPrice: 1n, nonce: 0n } as const;
    expect(() => buildContractTransfer({ ...base, action: { type: 'call', contract: CONTRACT, fn: 'bad name' }, gasLimit: 60_000 })).toThrow(/bad-txns-contract-payload/);
    expect(() => buildContractTransfer({ ...base, action: { type: 'call', contract: ZERO_ADDRESS, fn: 'f' }, gasLimit: 60_000 })).toThrow(/zero address/);
    expect(() => buildContractTransfer({ ...base, action: { type: 'deploy', code: '' }, gasLimit: 60_000 })).toThrow(/code/);
    expect(() => buildContractTransfer({ ...base, action: { type: 'deploy', code: TOKEN }, gasLimit: params.maxTxGas + 1 })).toThrow(/bad-txns-contract-gas/);
    expect(() => buildContractTransfer({ ...base, action: { type: 'deploy', code: TOKEN }, gasLimit: 1.5 })).toThrow(WalletError);
    // A deploy pays for its source before any of it runs: less than that is refused outright.
    const sourceGas = TOKEN.length * params.contractDeployGasPerSourceChar;
    expect(() => buildContractTransfer({ ...base, action: { type: 'deploy', code: TOKEN }, gasLimit: sourceGas })).toThrow(/bad-txns-contract-gas/);
    const tx = buildContractTransfer({ ...base, action: { type: 'deploy', code: TOKEN }, gasLimit: sourceGas + 100_000 });
    const intrinsic = intrinsicGas(tx, params, { type: 'deploy', code: TOKEN });
    expect(intrinsic).toBe(params.contractTxBaseGas + tx.data.length * params.contractDataGasPerByte + sourceGas);
    expect(intrinsic).toBeLessThan(sourceGas + 100_000);
  });

  it('derives a gas price that pays at least the per-byte fee rate', () => {
    expect(gasPriceForFeeRate(0n, params)).toBe(1n);
    expect(gasPriceForFeeRate(1n, params)).toBe(1n);
    expect(gasPriceForFeeRate(16n, params)).toBe(1n);
    expect(gasPriceForFeeRate(17n, params)).toBe(2n);
    const tx = buildContractTransfer({ params, action: { type: 'deploy', code: TOKEN.repeat(20) }, gasLimit: params.maxTxGas, gasPrice: gasPriceForFeeRate(40n, params), nonce: 0n });
    const size = encodeTx({ ...tx, publicKey: new Uint8Array(33), signature: new Uint8Array(64) }).length;
    // Even at the intrinsic minimum the fee covers the rate.
    expect(BigInt(params.contractTxBaseGas + tx.data.length * params.contractDataGasPerByte) * gasPriceForFeeRate(40n, params)).toBeGreaterThanOrEqual(40n * BigInt(size));
  });
});

describe('minContractGasPrice', () => {
  /** Whether the transaction built at `gasPrice` is sure to pay the relay minimum, as the mempool judges it. */
  const meets = (action: ContractAction, gasLimit: number, gasPrice: bigint, rate: bigint): boolean => {
    const tx = buildContractTransfer({ params, action, gasLimit, gasPrice, nonce: 0n });
    const size = encodeTx({ ...tx, publicKey: new Uint8Array(33), signature: new Uint8Array(64) }).length;
    const intrinsic = intrinsicGas(tx, params, action.type === 'deploy' ? { type: 'deploy', code: action.code } : { type: 'call' });
    return BigInt(intrinsic) * gasPrice >= minRelayFee(rate, size, gasLimit, params);
  };
  const call: ContractAction = { type: 'call', contract: CONTRACT, fn: 'transfer', args: ['0x' + '22'.repeat(20), 5] };
  const deploy: ContractAction = { type: 'deploy', code: CONTRACT_EXAMPLES.token, init: ['Token', 'TOK', 0, 1_000_000] };

  it('is the least price whose own transaction meets the minimum, across the digits the price adds to the payload', () => {
    for (const [action, gasLimit] of [[call, 50_000_000], [call, 2_000_000], [deploy, 50_000_000], [call, 30_000]] as const) {
      for (let rate = 0n; rate <= 60n; rate += 3n) {
        const price = minContractGasPrice({ params, action, gasLimit }, rate);
        expect(meets(action, gasLimit, price, rate), `${gasLimit} at ${rate}/byte`).toBe(true);
        // Within one count of digits the shape is fixed, so the price below and the top of every shorter count are all that can meet it.
        const lower = [price - 1n, ...[9n, 99n, 999n].filter((p) => p < price - 1n)].filter((p) => p >= 0n);
        for (const p of lower) expect(meets(action, gasLimit, p, rate), `${gasLimit} at ${rate}/byte, price ${p}`).toBe(false);
      }
    }
  });

  it('grows with the declared gas, not the gas used: a 50M-gas call pays ~23 per gas at 1 unit a byte, a tight one 1', () => {
    expect(minContractGasPrice({ params, action: call, gasLimit: 30_000 }, 1n)).toBe(1n);
    expect(minContractGasPrice({ params, action: call, gasLimit: 50_000_000 }, 1n)).toBe(23n);
    expect(minContractGasPrice({ params, action: call, gasLimit: 50_000_000 }, 0n)).toBe(0n);
    // A deploy's source makes its intrinsic gas large (600 a character): its declared gas costs little more.
    expect(minContractGasPrice({ params, action: deploy, gasLimit: 5_000_000 }, 1n)).toBe(1n);
  });

  it('refuses a minimum no payload can pay (a node names its own rate) rather than search forever', () => {
    expect(() => minContractGasPrice({ params, action: call, gasLimit: 50_000_000 }, 10n ** 30n)).toThrow(WalletError);
  });
});

describe('answerMismatch', () => {
  const id = 'ab'.repeat(32);
  const contract = formatAddress(contractAddress(parseAddress('0x' + '11'.repeat(20)), 4n));

  it('accepts the id signed and, for a deploy, the contract it creates in any letter case', () => {
    expect(answerMismatch({ id }, { id })).toBeUndefined();
    expect(answerMismatch({ id, contractAddress: contract.toLowerCase() }, { id, contract })).toBeUndefined();
  });

  it('names another transaction, another contract, or a deploy answer naming none', () => {
    expect(answerMismatch({ id: 'cd'.repeat(32), contractAddress: contract }, { id, contract })).toBe(`transaction ${'cd'.repeat(32)} for ${id}`);
    const other = formatAddress(contractAddress(parseAddress('0x' + '11'.repeat(20)), 5n));
    expect(answerMismatch({ id, contractAddress: other }, { id, contract })).toBe(`contract ${other} for a deploy that creates ${contract}`);
    expect(answerMismatch({ id }, { id, contract })).toBe(`contract (none) for a deploy that creates ${contract}`);
  });
});
