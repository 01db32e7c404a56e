/** One line of the IDE console: every call, estimate, send and deploy, as Remix's terminal shows them. */
export interface LogEntry {
  seq: number;
  at: number;
  kind: 'call' | 'estimate' | 'send' | 'deploy';
  ok: boolean;
  /** The contract by kind and address, e.g. "Token 0x…". */
  target: string;
  text: string;
  txId?: string;
}

/** The console keeps the latest entries only: a long session must not grow the page without bound. */
export const LOG_LIMIT = 200;

export function appendLog(log: LogEntry[], entry: Omit<LogEntry, 'seq' | 'at'>, at = Date.now()): LogEntry[] {
  const seq = (log[log.length - 1]?.seq ?? 0) + 1;
  return [...log, { ...entry, seq, at }].slice(-LOG_LIMIT);
}
