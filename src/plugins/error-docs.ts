import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { catalogue, type ErrorCode, problemSchema } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The catalogue errors this route answers beyond those of its scope (for the OpenAPI document). */
    fouten?: ErrorCode[];
  }
}

/**
 * What every route may answer, whatever its scope: what the framework answers before the route runs (an
 * unreadable request or URL, a wrong method, a path or headers too long, a request too slow; plugins/
 * framework.ts), an unreadable body, the database away, a fault.
 */
const OVERAL: ErrorCode[] = [
  'ONGELDIGE_AANVRAAG',
  'ONGELDIGE_URL',
  'ONGELDIGE_JSON',
  'METHODE_NIET_TOEGESTAAN',
  'AANVRAAG_TE_TRAAG',
  'URI_TE_LANG',
  'HEADERS_TE_GROOT',
  'INTERNE_FOUT',
  'DATABASE_ONBEREIKBAAR',
  'NIET_BESCHIKBAAR',
];

/** What each trust scope adds: its key check and what its request bodies may break. */
const PER_SCOPE: Record<string, ErrorCode[]> = {
  '/v1/boom': [
    'ANTWOORDTIJD_VERSTREKEN',
    'NIET_GEAUTORISEERD',
    'HANDTEKENING_ONGELDIG',
    'TE_GROOT',
    'CONTENT_TYPE_NIET_ONDERSTEUND',
    'VALIDATIE_MISLUKT',
    'TE_VEEL_VERZOEKEN',
  ],
  '/v1/beheer': [
    'OPERATOR_NIET_GEAUTORISEERD',
    'NIET_GEVONDEN',
    'TE_GROOT',
    'CONTENT_TYPE_NIET_ONDERSTEUND',
    'VALIDATIE_MISLUKT',
  ],
};

/** The catalogue codes a route can answer: everywhere, its scope's, and its own (`config.fouten`). */
export function foutenVanRoute(route: { prefix?: string; config?: unknown }): ErrorCode[] {
  const eigen = (route.config as { fouten?: ErrorCode[] } | undefined)?.fouten ?? [];
  const codes = new Set<ErrorCode>([...OVERAL, ...(PER_SCOPE[route.prefix ?? ''] ?? []), ...eigen]);
  return [...codes].sort((a, b) => catalogue[a].status - catalogue[b].status || a.localeCompare(b));
}

/**
 * Every route documents each error status it can answer, naming the codes (problem+json, rendered by
 * plugins/problem.ts, not by the route's serializer), so a client can see what to handle.
 */
export function documenteerFouten(route: RouteOptions & { prefix?: string }): void {
  const perStatus = new Map<number, ErrorCode[]>();
  for (const code of foutenVanRoute(route)) {
    const status = catalogue[code].status;
    perStatus.set(status, [...(perStatus.get(status) ?? []), code]);
  }
  const response: Record<string, unknown> = { ...(route.schema?.response as object) };
  for (const [status, codes] of perStatus) {
    response[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${catalogue[c].title}`).join('; '),
      content: {
        'application/problem+json': {
          schema: problemSchema.extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]) }),
        },
      },
    };
  }
  route.schema = { ...route.schema, response };
}
