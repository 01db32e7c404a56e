import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_TOKEN, removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';

/**
 * The node run as a service: stdout is a pipe (systemd's journal, Docker's log), so whatever it
 * prints is kept in logs. The control token must not be among it.
 */
describe('control URL with stdout piped to a log', { timeout: 90_000 }, () => {
  let node: TestNode | undefined;
  afterEach(async () => {
    await node?.stop();
    if (node) removeDir(node.dataDir);
    node = undefined;
  });

  const controlLine = (n: TestNode) => waitFor(async () => /Control URL: .*/.exec(n.output())?.[0], 20_000, 'the Control URL line');

  it('names the cookie file, never the token it holds, which opens the API', async () => {
    // An empty API_TOKEN counts as unset: the node makes its cookie.
    node = await startNode({ env: { API_TOKEN: '', P2P: 'false' } });
    const line = await controlLine(node);
    const cookie = join(node.dataDir, '.cookie');
    const token = readFileSync(cookie, 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    // The port the cookie opens, for the CLI to send it there and to no other local listener.
    expect(readFileSync(join(node.dataDir, '.cookie-port'), 'utf8').trim()).toBe(String(node.port));
    expect(line).toBe(`Control URL: ${node.url}/ (open it with ?token=<token>; the token is in ${cookie})`);
    // The token in the file is the one the node accepts.
    expect(await node.request('/api/mining/stop', { method: 'POST', token })).toMatchObject({ status: 200, body: { running: false } });
    expect((await node.request('/api/mining/stop', { method: 'POST', token: 'f'.repeat(48) })).status).toBe(401);
    await node.stop();
    expect(node.output()).not.toContain(token);
  });

  it('says the token is the API_TOKEN given, without printing it', async () => {
    node = await startNode({ env: { P2P: 'false' } });
    expect(await controlLine(node)).toBe(`Control URL: ${node.url}/ (open it with ?token=<token>; the token is the API_TOKEN it was given)`);
    expect(node.output()).not.toContain(TEST_TOKEN);
  });
});
