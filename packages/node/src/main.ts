import { loadConfig, ConfigError } from './config/config.js';
import { FullNode } from './node.js';
import { createLogger } from './util/logger.js';

const log = createLogger('hackcoin');

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const node = await FullNode.create(config, log);
  await node.listen();
  const port = (node.api.server.address() as { port: number }).port;
  // The control URL carries the token, so it goes to the terminal once and never through the logger.
  process.stdout.write(`Control URL: http://${config.host}:${port}/?token=${node.token}\n`);
  let stopping = false;
  const shutdown = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received, shutting down`);
    node.stop().then(
      () => process.exit(code),
      (e: Error) => {
        log.error(`shutdown failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // The chain could not return to a consistent tip after a storage failure: stop, and let the
  // next start continue from the last tip written.
  node.chain.on('halt', () => shutdown('chain halt', 1));
}

main().catch((e: Error) => {
  log.error(e instanceof ConfigError ? `configuration: ${e.message}` : (e.stack ?? e.message));
  process.exit(1);
});
