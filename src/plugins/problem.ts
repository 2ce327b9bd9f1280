import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  AppError,
  formatPad,
  isDatabaseTeLaat,
  isDatabaseUnavailable,
  MAX_VELDFOUTEN,
  toProblem,
} from '../errors.js';

const RETRY_AFTER_SECONDS = '5';

/** Maps anything thrown during a request to a catalogue error. Unknown errors become INTERNE_FOUT. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const waar = (err as { validationContext?: string }).validationContext;
    const errors = err.validation.slice(0, MAX_VELDFOUTEN).map((v) => {
      const segments = v.instancePath.split('/').filter((s) => s !== '');
      const pad = formatPad(segments);
      return { pad: pad === '' ? (waar ?? 'body') : pad, melding: v.message ?? 'ongeldig' };
    });
    return new AppError('VALIDATIE_MISLUKT', { errors, aantalFouten: err.validation.length });
  }
  if (isDatabaseUnavailable(err)) {
    return new AppError(isDatabaseTeLaat(err) ? 'ANTWOORDTIJD_VERSTREKEN' : 'DATABASE_ONBEREIKBAAR', {
      headers: { 'retry-after': RETRY_AFTER_SECONDS },
      cause: err,
    });
  }
  const e = err as FastifyError;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('TE_GROOT');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('CONTENT_TYPE_NIET_ONDERSTEUND');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('ONGELDIGE_JSON');
    case 'FST_ERR_NOT_FOUND':
      return new AppError('NIET_GEVONDEN');
    case 'FST_ERR_BAD_URL':
      return new AppError('ONGELDIGE_URL');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('URI_TE_LANG');
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new AppError('ONGELDIGE_JSON');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new AppError('TE_GROOT');
    if (e.statusCode === 415) return new AppError('CONTENT_TYPE_NIET_ONDERSTEUND');
    if (e.statusCode === 429) return new AppError('TE_VEEL_VERZOEKEN');
    if (e.statusCode === 404) return new AppError('NIET_GEVONDEN');
    return new AppError('ONGELDIGE_JSON', { detail: 'De aanvraag kon niet worden gelezen' });
  }
  if (e?.statusCode === 503)
    return new AppError('NIET_BESCHIKBAAR', { headers: { 'retry-after': RETRY_AFTER_SECONDS } });
  return new AppError('INTERNE_FOUT', { cause: err });
}

/** Renders a catalogue error; a 5xx says nothing of its cause, which goes to the log with the request id. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, appErr: AppError): FastifyReply {
  if (appErr.status === 503) {
    // Expected while the database restarts, and probed every few seconds: a warning without a stack.
    const cause = appErr.cause as Error | undefined;
    request.log.warn({ code: appErr.code, cause: cause?.message }, 'service unavailable');
  } else if (appErr.status >= 500) {
    const cause = appErr.cause as Error | undefined;
    const err = cause
      ? { type: cause.name, message: cause.message, stack: cause.stack, code: (cause as FastifyError).code }
      : undefined;
    request.log.error({ err, code: appErr.code }, 'request failed');
  } else {
    request.log.info({ code: appErr.code, status: appErr.status }, 'request rejected');
  }
  for (const [k, v] of Object.entries(appErr.headers)) reply.header(k, v);
  return reply
    .code(appErr.status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(toProblem(appErr, request.url.split('?')[0]));
}

export async function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, toAppError(err));
}
