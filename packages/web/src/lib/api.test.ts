import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from './api';
import type { NodeInfo } from './types';
import { nodeInfo } from '../test/api-fixtures';

const answer = (body: unknown, status = 200) => vi.fn(async () => new Response(JSON.stringify(body), { status }));

describe('api()', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('returns an answer that matches its route in core API_ROUTES', async () => {
    vi.stubGlobal('fetch', answer(nodeInfo({ height: 42 })));
    expect((await api<NodeInfo>('/api/node/info')).height).toBe(42);
  });

  it('refuses a malformed answer with an error naming the field', async () => {
    vi.stubGlobal('fetch', answer({ ...nodeInfo(), height: '42' }));
    const err = await api<NodeInfo>('/api/node/info').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'malformed-response', status: 200 });
    expect((err as Error).message).toBe('malformed answer from GET /api/node/info: height Invalid input: expected number, received string');
  });

  it('keeps the node’s error answers as they are', async () => {
    vi.stubGlobal('fetch', answer({ error: 'not-found', message: 'block 9 not found' }, 404));
    await expect(api('/api/blocks/9')).rejects.toMatchObject({ status: 404, code: 'not-found', message: 'block 9 not found' });
  });
});
