/**
 * Exit codes scripts can branch on. Every failure is one line on stderr;
 * the code says which kind without parsing the text.
 */
export const EXIT = {
  error: 1,
  usage: 2,
  node: 3,
  keystore: 4,
  cancelled: 130,
} as const;

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
