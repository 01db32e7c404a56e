import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '@hackcoin/core';
import { decodeCallData } from './call-data';

const hex = (o: unknown) => bytesToHex(utf8ToBytes(JSON.stringify(o)));

describe('decodeCallData', () => {
  it('reads a call as fn(args) and a deploy as init(args)', () => {
    expect(decodeCallData(hex({ type: 'call', fn: 'execute', args: [0], gasLimit: 50000, gasPrice: '3' }))).toMatchObject({ text: 'execute(0)', gasLimit: 50000, gasPrice: '3' });
    expect(decodeCallData(hex({ type: 'deploy', code: 'export function init() {}', init: ['Hack', 2], gasLimit: 1, gasPrice: '1' }))).toMatchObject({ type: 'deploy', text: 'init("Hack", 2)', codeBytes: 25 });
  });

  it('gives null for data that is no contract payload', () => {
    expect(decodeCallData(undefined)).toBeNull();
    expect(decodeCallData('ff00')).toBeNull();
    expect(decodeCallData(hex({ type: 'other' }))).toBeNull();
  });
});
