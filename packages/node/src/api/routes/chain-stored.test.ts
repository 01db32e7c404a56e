import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { BufferWriter, encodeHeader } from '@hackcoin/core';
import { ChainFixture } from '../../test-support/chain-fixture.js';
import { Prefix, key } from '../../store/keys.js';
import type { Logger } from '../../util/logger.js';
import type { ApiContext } from '../context.js';
import { installErrorHandler } from '../request-guards.js';
import { chainRoutes } from './chain.js';

describe('block routes over a corrupt stored block', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  it('answer the block list as they answer the block itself: a logged 500 naming the decoder\'s rule, not a count past its bound', async () => {
    fx = await ChainFixture.create();
    await fx.mine(2);
    const e = fx.chain.getEntryByHeight(1)!;
    await fx.chain.settled();
    await fx.db.put(key(Prefix.block, e.hash), new BufferWriter().bytes(encodeHeader(e.header)).varint(100_001).finish());
    // Drops the decoded copy the chain kept of it when it was mined.
    await fx.reopen();

    const errors: string[] = [];
    const log = { ...fx.log, error: (msg: string) => void errors.push(msg) } as Logger;
    app = Fastify();
    installErrorHandler(app, log);
    chainRoutes(app, { chain: fx.chain, mempool: fx.mempool, backend: fx.backend } as ApiContext, async () => undefined);

    for (const url of ['/api/blocks/1', '/api/blocks']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(500);
      expect(r.json(), url).toEqual({ error: 'internal', message: 'internal error' });
    }
    expect(errors).toHaveLength(2);
    for (const msg of errors) expect(msg).toMatch(/DecodeError: too many transactions/);
    // A page without the corrupt block is still served.
    const rest = await app.inject({ method: 'GET', url: '/api/blocks?limit=1' });
    expect(rest.statusCode).toBe(200);
    expect(rest.json().blocks.map((b: { height: number }) => b.height)).toEqual([2]);
  });
});
