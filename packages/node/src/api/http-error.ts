import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** Sent with the error answer (a 503's retry-after). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/**
 * Parses with a zod schema; the 400 message names the offending field, and its code is the one a
 * custom rule names in `params.code` (`bad-cursor`, `page-too-deep`), else `bad-request`.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : where;
  // Cut, because some validators quote the value they were given.
  const named = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : 'bad-request';
  throw new HttpError(400, `invalid ${field.slice(0, 100)}: ${issue.message.slice(0, 300)}`, named);
}
