import { z } from 'zod';
import { tekst } from '../schema/tekst.js';
import { FOUT_CODES } from '../verwerking/index.js';
import type { SchoolRij } from './scholen-repo.js';

/**
 * What the routes of more than one resource share. A schema that one resource uses lives in its
 * `<res>-routes.ts`, next to the mapping from its rows (docs/ARCHITECTURE.md, "beheer/").
 */

/** Every operator route: in the beheer tag, behind the operator token (for the OpenAPI document). */
export const beheer = { tags: ['beheer'], security: [{ operatortoken: [] }] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one UUID test of beheer/: ids in a path (niet-gevonden.ts) and the ids inside cursors (paging.ts). */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/**
 * Ids in a path are plain strings here and checked by `eisId`/`eisSchool` (niet-gevonden.ts): a malformed
 * id names nothing, so it is a 404 like an unknown one, and it never reaches PostgreSQL.
 */
export const schoolParams = z.object({
  schoolId: z.string().max(100).describe('Het id van de school (UUID)'),
});

export const idParams = z.object({ id: z.string().max(100).describe('Het id van de foutmelding (UUID)') });

/** RFC 3339 date-time, as `vanaf` and `tot` in the lists (the rule lives in src/schema/datum.ts). */
export { tijdstip } from '../schema/datum.js';

export const foutCode = z.enum(FOUT_CODES);

/** `zoek` in the lists of schools and of a school's pupils. */
export const zoek = tekst(1, 100).optional().describe('Een deel van de tekst, hoofdletters tellen niet');

/** pg returns numeric as a string; the API answers numbers. */
export function getal(v: string | null): number | null {
  return v === null ? null : Number(v);
}

export function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

/** The koppeling as a school shows it (scholen-routes) and as withdrawing answers it (koppeling-routes). */
export const koppelingAntwoord = z.object({
  status: z
    .enum(['geen', 'aangevraagd', 'actief', 'ingetrokken'])
    .describe('De status van de nieuwste sleutel; `geen` zonder sleutel'),
  geactiveerdOp: z.string().nullable(),
  ondertekening: z
    .boolean()
    .describe('Of verzoeken met elke sleutel van deze school ondertekend moeten zijn (Standard Webhooks)'),
});

export function naarKoppeling(r: SchoolRij): z.output<typeof koppelingAntwoord> {
  return {
    status: r.koppeling_status ?? 'geen',
    geactiveerdOp: iso(r.geactiveerd_op),
    ondertekening: r.ondertekening,
  };
}
