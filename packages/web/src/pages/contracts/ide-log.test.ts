import { describe, expect, it } from 'vitest';
import { appendLog, LOG_LIMIT, type LogEntry } from './ide-log';

describe('IDE console log', () => {
  it('numbers entries in order and keeps only the latest LOG_LIMIT', () => {
    let log: LogEntry[] = [];
    for (let i = 0; i < LOG_LIMIT + 5; i++) log = appendLog(log, { kind: 'call', ok: true, target: 'Token 0x1', text: `f(${i})` }, 1000 + i);
    expect(log).toHaveLength(LOG_LIMIT);
    expect(log[0]).toMatchObject({ seq: 6, at: 1005, text: 'f(5)' });
    expect(log.at(-1)).toMatchObject({ seq: LOG_LIMIT + 5, text: `f(${LOG_LIMIT + 4})` });
  });
});
