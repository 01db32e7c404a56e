import { loadConfig, ConfigError } from './config/config.js';
import { FullNode } from './node.js';
import { cookiePath } from './api/auth.js';
import { controlUrlLine } from './api/control-url.js';
import { createLogger, parseLogFormat, type LogFormat } from './util/logger.js';

/** Supervisors (systemd, Docker, Kubernetes) wait about 10 s before SIGKILL; we promise 5. */
const SHUTDOWN_DEADLINE_MS = 4_500;

let format: LogFormat = 'text';
let formatError: string | undefined;
try {
  format = parseLogFormat(process.env.LOG_FORMAT);
} catch (e) {
  formatError = (e as Error).message;
}
const log = createLogger('hackcoin', false, format);

async function main(): Promise<void> {
  if (formatError) throw new ConfigError(formatError);
  const config = loadConfig(process.argv.slice(2), process.env);
  const node = await FullNode.create(config, log);
  await node.listen();
  const port = (node.api.server.address() as { port: number }).port;
  // Never through the logger, and with the token only when a person is reading the terminal.
  const line = controlUrlLine(`http://${config.host}:${port}`, node.token, {
    terminal: process.stdout.isTTY === true,
    cookieFile: config.apiToken ? undefined : cookiePath(config.dataDir),
  });
  process.stdout.write(`${line}\n`);
  let stopping = false;
  const shutdown = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info(`${signal} received, shutting down`);
    setTimeout(() => {
      log.error(`shutdown took over ${SHUTDOWN_DEADLINE_MS} ms; exiting without a clean close`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    node.stop().then(
      () => {
        log.info(`shut down cleanly in ${Date.now() - started} ms`);
        process.exit(code);
      },
      (e: Error) => {
        log.error(`shutdown failed: ${e.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // The tip in memory may be ahead of the disk (a failed write-behind): serving it would show
  // balances a restart takes back, so the node stops and its supervisor restarts it.
  node.chain.on('halt', () => shutdown('chain halt', 1));
}

main().catch((e: Error) => {
  log.error(e instanceof ConfigError ? `configuration: ${e.message}` : (e.stack ?? e.message));
  process.exit(1);
});
