import { describe, expect, it } from 'vitest';
import { controlUrlLine } from './control-url.js';

describe('controlUrlLine', () => {
  const token = 'a1'.repeat(24);
  it('hands a terminal the URL that opens the web app with the token', () => {
    expect(controlUrlLine('http://127.0.0.1:3001', token, { terminal: true, cookieFile: '/d/.cookie' })).toBe(`Control URL: http://127.0.0.1:3001/?token=${token}`);
  });
  it('tells a log where the token is, never the token', () => {
    const cookie = controlUrlLine('http://127.0.0.1:3001', token, { terminal: false, cookieFile: '/d/.cookie' });
    const given = controlUrlLine('http://127.0.0.1:3001', token, { terminal: false });
    expect(cookie).toBe('Control URL: http://127.0.0.1:3001/ (open it with ?token=<token>; the token is in /d/.cookie)');
    expect(given).toBe('Control URL: http://127.0.0.1:3001/ (open it with ?token=<token>; the token is the API_TOKEN it was given)');
  });
});
