import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

describe('OpenAPI document and interactive reference', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('describes every API route with the schemas the handlers validate with', async () => {
    const doc = await node.api('/api/docs/json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/node/info', '/api/blocks/{id}', '/api/transactions', '/api/contracts/estimate-gas']));
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/') || p.startsWith('/api/docs'))).toEqual([]);
    const submit = doc.paths['/api/transactions'].post;
    const variants = submit.requestBody.content['application/json'].schema.anyOf;
    expect(variants[0].required).toEqual(['raw']);
    expect(variants[1].required).toEqual(expect.arrayContaining(['chainId', 'nonce', 'fee', 'to', 'amount', 'publicKey', 'signature']));
    expect(doc.paths['/api/blocks/{id}'].get.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
    expect(doc.paths['/api/blocks'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['page', 'limit']);
    expect(doc.paths['/api/mining/generate'].post.security).toEqual([{ token: [] }]);
    expect(doc.paths['/api/node/info'].get.security).toBeUndefined();
  });

  it('serves the reference and its assets from the node itself', async () => {
    const res = await fetch(`${node.url}/api/docs/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // The UI used to redirect this URL to itself forever when a query string followed.
    expect((await fetch(`${node.url}/api/docs/static/index.html?page=2`)).url).toBe(`${node.url}/api/docs/`);
    expect(html).toMatch(/swagger-ui/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const a of assets) {
      expect(a).not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(a, `${node.url}/api/docs/`));
      expect(asset.status, a).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, a).toBeGreaterThan(0);
    }
  });
});
