import type { FastifyInstance } from 'fastify';
import { DecodeError, decodeTx, hexToBytes, type TransferTx } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { signedTx } from '../schemas.js';
import { txJson } from '../serialize.js';

function toTransfer(body: ReturnType<typeof signedTx.parse>): TransferTx {
  if ('raw' in body) {
    let tx;
    try {
      tx = decodeTx(hexToBytes(body.raw));
    } catch (e) {
      if (e instanceof DecodeError || e instanceof Error) throw new HttpError(400, `bad-txns-decode: ${e.message}`, 'bad-txns-decode');
      throw e;
    }
    if (tx.kind !== 'transfer') throw new HttpError(400, 'bad-txns-decode: a coinbase cannot be submitted', 'bad-txns-decode');
    return tx;
  }
  return {
    kind: 'transfer',
    chainId: body.chainId,
    nonce: body.nonce,
    fee: body.fee,
    to: body.to,
    amount: body.amount,
    data: hexToBytes(body.data ?? ''),
    publicKey: hexToBytes(body.publicKey),
    signature: hexToBytes(body.signature),
  };
}

export function transactionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const submit = async (body: unknown) => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    const entry = await ctx.mempool.add(tx);
    return { id: entry.id, accepted: true };
  };
  app.post('/api/transactions', async (req) => submit(req.body));
  // The seed's route name.
  app.post('/api/transaction', async (req) => submit(req.body));

  app.get('/api/mempool', async () => {
    const entries = ctx.mempool.entries();
    return {
      size: entries.length,
      bytes: ctx.mempool.bytes,
      transactions: entries.slice(0, 1000).map((e) => ({ ...txJson(e.tx, ctx.backend), feeRate: e.feeRate, time: e.time })),
    };
  });
}
