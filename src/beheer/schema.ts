import { z } from 'zod';
import { FOUT_CODES } from '../verwerking/index.js';

/** Every operator route: in the beheer tag, behind the operator token (for the OpenAPI document). */
export const beheer = { tags: ['beheer'], security: [{ operatortoken: [] }] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids in a path are checked here instead of in the schema: a malformed id names nothing, so it is a
 * 404 like an unknown one, and it never reaches PostgreSQL (where it would be a cast error).
 */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export const schoolParams = z.object({
  schoolId: z.string().max(100).describe('Het id van de school (UUID)'),
});

export const idParams = z.object({ id: z.string().max(100).describe('Het id van de foutmelding (UUID)') });

/** RFC 3339 date-time, as `vanaf` and `tot` in the lists (the rule lives in src/schema/datum.ts). */
export { tijdstip } from '../schema/datum.js';

export const foutCode = z.enum(FOUT_CODES);

/** pg returns numeric as a string; the API answers numbers. */
export function getal(v: string | null): number | null {
  return v === null ? null : Number(v);
}

export function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}
