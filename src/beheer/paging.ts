import { z } from 'zod';
import { isUuid } from './schema.js';

/**
 * Keyset paging for every list. The cursor is opaque to clients: base64url of a JSON array with the
 * last row's sort key. Timestamps go in as epoch microseconds (text), never as a JS Date, which would
 * lose the microseconds PostgreSQL keeps and so skip or repeat rows.
 */
export const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(50)
  .describe('Hoeveel items per pagina (1–500, standaard 50)');

export function maakCursor(sleutel: string[]): string {
  return Buffer.from(JSON.stringify(sleutel), 'utf8').toString('base64url');
}

function leesCursor(s: string, lengte: number): string[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== lengte) return undefined;
    if (
      !v.every((d) => typeof d === 'string' && d.length <= 200 && !d.includes('\u0000') && d.isWellFormed())
    )
      return undefined;
    return v as string[];
  } catch {
    return undefined;
  }
}

/** A cursor query parameter whose key has `lengte` parts, each checked by `geldig`; a bad one is a 422. */
export function cursor(lengte: number, geldig: (delen: string[]) => boolean = () => true) {
  return z
    .string()
    .max(2048)
    .transform((s, ctx) => {
      const delen = leesCursor(s, lengte);
      if (delen === undefined || !geldig(delen)) {
        ctx.addIssue({ code: 'custom', message: 'ongeldige cursor' });
        return z.NEVER;
      }
      return delen;
    })
    .optional()
    .describe('De `volgende` van de vorige pagina');
}

/** Sort key (timestamp DESC, id DESC): epoch microseconds and a UUID. */
export const tijdCursor = cursor(2, ([us, id]) => /^\d{1,17}$/.test(us!) && isUuid(id!));

/** The page of rows (fetched with limit + 1) and the cursor to the next one. */
export function pagina<R, I>(
  rijen: R[],
  limit: number,
  map: (r: R) => I,
  sleutel: (r: R) => string[],
): { items: I[]; volgende: string | null } {
  const meer = rijen.length > limit;
  const deze = meer ? rijen.slice(0, limit) : rijen;
  const laatste = deze.at(-1);
  return {
    items: deze.map(map),
    volgende: meer && laatste !== undefined ? maakCursor(sleutel(laatste)) : null,
  };
}

export function lijst<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), volgende: z.string().nullable() });
}
