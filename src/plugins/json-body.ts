import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * The one JSON body parser, for every scope that takes JSON. JSON is UTF-8 (RFC 8259): invalid bytes
 * are a 400, never silently turned into U+FFFD and stored. `__proto__` and `constructor` keys are
 * dropped, as every field outside the contract is. `leegIsGeenBody` decides per request whether an
 * empty body is no body (undefined) or broken JSON (400).
 */
export function registreerJsonParser(
  app: FastifyInstance,
  leegIsGeenBody: (request: FastifyRequest) => boolean,
) {
  const json = app.getDefaultJsonParser('remove', 'remove');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let tekst: string;
    try {
      tekst = utf8.decode(body as Buffer);
    } catch {
      return done(new AppError('ONGELDIGE_JSON', { detail: 'De body is geen geldige UTF-8' }), undefined);
    }
    if (tekst === '' && leegIsGeenBody(request)) return done(null, undefined);
    json(request, tekst, done);
  });
}
