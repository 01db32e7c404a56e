/** Results go to stdout (text or one JSON document); notes and warnings to stderr so pipes stay clean. */
export class Output {
  constructor(readonly json: boolean) {}

  result(value: unknown, text: string | string[]): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else process.stdout.write(`${Array.isArray(text) ? text.join('\n') : text}\n`);
  }

  /** A human note; --json output stays a single parseable document, so notes still go to stderr there. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}

export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
