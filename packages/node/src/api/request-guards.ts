import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RuleError } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import { ContractError } from '../contracts/errors.js';
import { HttpError } from './http-error.js';
import { MAX_JSON_DEPTH, jsonTooDeep, tooDeepMessage } from './json-depth.js';

/** Large enough for a transaction carrying a 64 KiB contract as hex, small enough to refuse floods. */
export const BODY_LIMIT = 512 * 1024;

/** Body-parser failures, by Fastify error code: the status and the rule each becomes. */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload-too-large', `invalid body: larger than ${BODY_LIMIT} bytes`],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed-json', 'invalid body: malformed JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed-json', 'invalid body: empty, yet sent as application/json'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported-media-type', 'invalid content-type: send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad-request', 'invalid content-length: does not match the body'],
};

/**
 * Every JSON body is checked for depth by a scan of its text before it is parsed, so nothing that
 * walks parsed values (zod, the contract engine, JSON.stringify) ever sees deeper input. Installed as
 * the application/json parser, it covers every route, whoever registers it.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    if (jsonTooDeep(body as string, MAX_JSON_DEPTH)) return done(new HttpError(400, tooDeepMessage('body'), 'json-too-deep'), undefined);
    parseJson(req, body as string, done);
  });
}

/** Longest path parameter the router matches; addresses are 42 characters and hashes 64. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Errors the router raises before any route or error handler runs (Fastify's `frameworkErrors`
 * option). Without this its own answers would echo the whole URL back.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.status(414).send({ error: 'uri-too-long', message: `invalid url: a path parameter is longer than ${MAX_PARAM_LENGTH} characters` });
  } else {
    reply.status(400).send({ error: 'bad-request', message: 'invalid url: not a valid URL' });
  }
}

/**
 * A failing request ends only itself: input errors become 4xx naming the field or rule, anything else
 * a logged 500 that says nothing of the internals. Nothing the client sent is serialised back.
 */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).headers(err.headers ?? {}).send({ error: err.code ?? 'error', message: err.message });
    // The rule goes in `error` and only the detail in `message`, so a client that shows both shows the rule once.
    if (err instanceof RuleError) return reply.status(400).send({ error: err.code, message: err.detail || err.code });
    if (err instanceof ContractError) return reply.status(400).send({ error: 'bad-contract', message: `invalid contract: ${err.message}` });
    const fe = err as FastifyError;
    const known = fe.code ? PARSER_ERRORS[fe.code] : undefined;
    if (known) return reply.status(known[0]).send({ error: known[1], message: known[2] });
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: 'bad-request', message: `invalid request: ${fe.message}` });
    }
    log.error(`internal error in ${req.method} ${req.routeOptions.url ?? 'unknown route'}: ${err.stack ?? err.message}`);
    return reply.status(500).send({ error: 'internal', message: 'internal error' });
  });
}
