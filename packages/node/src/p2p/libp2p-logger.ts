import type { ComponentLogger, Logger } from '@libp2p/interface';

const nothing = (): void => undefined;

const SILENT: Logger = Object.assign((): void => undefined, {
  error: nothing,
  trace: nothing,
  enabled: false,
  newScope: (): Logger => SILENT,
});

/**
 * libp2p's own debug logging, for `libp2p.logger`. libp2p builds loggers per component,
 * connection and stream (three `debug` instances each, whether or not DEBUG enables them), and
 * it opens a stream per request: on an idle node in a 20-node network that was about 8 % of
 * everything allocated. With DEBUG unset one silent logger serves them all; with DEBUG set
 * (DEBUG=libp2p:*) libp2p's default logger runs as before, so its logs are still there to turn on.
 */
export function libp2pLogger(env: NodeJS.ProcessEnv): ComponentLogger | undefined {
  if (env['DEBUG']) return undefined;
  return { forComponent: () => SILENT };
}
