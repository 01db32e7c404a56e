import { describe, expect, it } from 'vitest';
import { formatLine, parseLogFormat } from './logger.js';

describe('log formats', () => {
  it('json: one parseable object per line with level, time, subsystem and message, whatever the message holds', () => {
    const line = formatLine('json', 'WARN', 'p2p', 'peer said "hi"\nand more', new Date('2026-01-02T03:04:05.000Z'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1).includes('\n')).toBe(false);
    expect(JSON.parse(line)).toEqual({ time: '2026-01-02T03:04:05.000Z', level: 'warn', subsystem: 'p2p', message: 'peer said "hi"\nand more' });
  });

  it('text stays the terse default', () => {
    expect(parseLogFormat(undefined)).toBe('text');
    expect(formatLine('text', 'INFO', 'chain', 'block 1')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO \[chain\] block 1\n$/);
    expect(() => parseLogFormat('xml')).toThrow(/LOG_FORMAT/);
  });
});
