import createDebug from 'debug';

/**
 * Two channels: `info`/`warn`/`error` always print one line (a normal run
 * logs one line per block); `debug` prints only when DEBUG=hackcoin:* (or a
 * narrower namespace) is set. The default line is terse text for people;
 * LOG_FORMAT=json prints one JSON object per line for log collectors.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug(msg: string, ...args: unknown[]): void;
  child(name: string): Logger;
}

export type LogFormat = 'text' | 'json';

export function parseLogFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new Error(`LOG_FORMAT must be text or json, not "${value}"`);
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

export function formatLine(format: LogFormat, level: string, subsystem: string, msg: string, now = new Date()): string {
  if (format === 'json') return `${JSON.stringify({ time: now.toISOString(), level: level.toLowerCase(), subsystem, message: msg })}\n`;
  return `${stamp()} ${level} [${subsystem}] ${msg}\n`;
}

export function createLogger(namespace = 'hackcoin', quiet = false, format: LogFormat = 'text'): Logger {
  const dbg = createDebug(namespace);
  const tag = namespace.replace(/^hackcoin:?/, '') || 'node';
  const write = (level: string, msg: string): void => {
    if (quiet && level === 'INFO') return;
    process.stderr.write(formatLine(format, level, tag, msg));
  };
  return {
    info: (msg) => write('INFO', msg),
    warn: (msg) => write('WARN', msg),
    error: (msg) => write('ERROR', msg),
    debug: (msg, ...args) => dbg(msg, ...args),
    child: (name) => createLogger(`${namespace}:${name}`, quiet, format),
  };
}
