import createDebug from 'debug';

/**
 * Two channels: `info`/`warn`/`error` always print one terse line (a normal
 * run logs one line per block); `debug` prints only when DEBUG=hackcoin:*
 * (or a narrower namespace) is set.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string, ...args: unknown[]): void;
  child(name: string): Logger;
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

export function createLogger(namespace = 'hackcoin', quiet = false): Logger {
  const dbg = createDebug(namespace);
  const tag = namespace.replace(/^hackcoin:?/, '') || 'node';
  const write = (level: string, msg: string): void => {
    if (quiet && level === 'INFO') return;
    process.stderr.write(`${stamp()} ${level} [${tag}] ${msg}\n`);
  };
  return {
    info: (msg) => write('INFO', msg),
    warn: (msg) => write('WARN', msg),
    error: (msg) => write('ERROR', msg),
    debug: (msg, ...args) => dbg(msg, ...args),
    child: (name) => createLogger(`${namespace}:${name}`, quiet),
  };
}
