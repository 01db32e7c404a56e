import { describe, expect, it } from 'vitest';
import { ApiShapeError, checkApiResponse, matchRoute } from './match.js';
import { routePath } from './route-path.js';

const HASH = 'ab'.repeat(32);

describe('matchRoute', () => {
  it('picks the route the node would, static segments first', () => {
    expect(matchRoute('GET', `/api/blocks/${HASH}`)).toBe('GET /api/blocks/:id');
    expect(matchRoute('get', '/api/blocks?page=2&limit=5')).toBe('GET /api/blocks');
    expect(matchRoute('GET', '/api/address/0xabc/history?limit=1')).toBe('GET /api/address/:address/history');
    expect(matchRoute('GET', '/api/address/0xabc')).toBe('GET /api/address/:address');
    expect(matchRoute('POST', '/api/contracts/call')).toBe('POST /api/contracts/call');
    expect(matchRoute('GET', '/api/contracts/0xabc')).toBe('GET /api/contracts/:address');
    expect(matchRoute('GET', '/api/proof/storage/0xabc/balance%3Ax')).toBe('GET /api/proof/storage/:contract/:key');
  });

  it('knows no route for other paths or methods', () => {
    expect(matchRoute('GET', '/api/nothing')).toBeUndefined();
    expect(matchRoute('POST', '/api/node/info')).toBeUndefined();
    expect(matchRoute('GET', '/api/blocks/')).toBe('GET /api/blocks');
    expect(matchRoute('GET', '/api/tx/')).toBeUndefined();
  });
});

describe('checkApiResponse', () => {
  const search = { id: HASH, type: 'tx' };

  it('returns a well-formed answer as it was sent, unknown fields included', () => {
    const extra = { ...search, later: 1 };
    expect(checkApiResponse('GET', `/api/search/${HASH}`, 200, extra)).toBe(extra);
  });

  it('names the first wrong field of a malformed answer', () => {
    const err = (() => {
      try {
        checkApiResponse('GET', `/api/search/${HASH}`, 200, { id: HASH, type: 'account' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ApiShapeError);
    expect(err).toMatchObject({ route: 'GET /api/search/:id', field: 'type' });
    expect(() => checkApiResponse('GET', '/api/mempool', 200, { size: -1 })).toThrow(/malformed answer from GET \/api\/mempool: size/);
  });

  it('leaves error answers to the caller, except statuses whose body is the usual one', () => {
    const notFound = { error: 'not-found', message: 'no such block' };
    expect(checkApiResponse('GET', '/api/blocks/7', 404, notFound)).toBe(notFound);
    expect(() => checkApiResponse('GET', '/api/health', 503, notFound)).toThrow(ApiShapeError);
  });
});

describe('routePath', () => {
  it('fills the parameters and query of a route, URL-encoded, and matches back to it', () => {
    const path = routePath('GET /api/proof/storage/:contract/:key', { contract: '0xab', key: 'balance:0x1 2' }, { block: 7 });
    expect(path).toBe('/api/proof/storage/0xab/balance%3A0x1%202?block=7');
    expect(matchRoute('GET', path)).toBe('GET /api/proof/storage/:contract/:key');
    expect(routePath('GET /api/blocks', {}, { page: 2, limit: undefined })).toBe('/api/blocks?page=2');
    expect(routePath('GET /api/node/info', {})).toBe('/api/node/info');
  });
});
