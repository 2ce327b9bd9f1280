import { z } from 'zod';

/**
 * Every date and date-time this service accepts, in one place (CONTRACT §2 "Dates and times"): each is one
 * PostgreSQL can store and compare, or the request is a 422 naming the field, never a 5xx. PostgreSQL
 * itself takes 4713 BC to 294276 AD but no year 0, and zod's formats take any four-digit year; the bounds
 * here are narrower on purpose: nothing this service is told about happened before 1900 or after 9999.
 */

/** The earliest afnamedatum (CONTRACT §2): Boom's tests did not exist before. */
export const EERSTE_AFNAMEDATUM = '2000-01-01';
/** The years a date-time (verzondenOp, vanaf, tot) may fall in, as written (before its offset). */
export const EERSTE_JAAR = 1900;
export const LAATSTE_JAAR = 9999;
/** PostgreSQL refuses an offset from UTC of 16 hours or more (real zones span −12:00 to +14:00). */
const MAX_OFFSET_UUR = 15;

const amsterdamDatum = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Tomorrow's date (YYYY-MM-DD) in Europe/Amsterdam: the latest afnamedatum accepted. */
export function morgenInAmsterdam(nu?: Date): string {
  if (nu !== undefined) return berekenMorgen(nu);
  // Amsterdam's offset from UTC is a whole number of hours (+1, +2 in summer), so its date changes only
  // at a full UTC hour: within one UTC hour the answer is the same, and is worked out once per hour
  // instead of once per result (Intl formatting was a visible part of validating a delivery's results).
  const nuUtc = new Date();
  const uur = Math.floor(nuUtc.getTime() / 3_600_000);
  if (uur !== dezeUur.uur) dezeUur = { uur, morgen: berekenMorgen(nuUtc) };
  return dezeUur.morgen;
}
let dezeUur = { uur: Number.NaN, morgen: '' };

function berekenMorgen(nu: Date): string {
  const [y, m, d] = amsterdamDatum.format(nu).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const DATUM = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD that names a day of the calendar (no 2026-02-30). */
export function isEchteDatum(s: string): boolean {
  if (!DATUM.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Whether a date-time as written (its first four characters the year) falls in EERSTE_JAAR..LAATSTE_JAAR. */
function jaarBinnenGrenzen(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return true; // the format check names what is wrong
  const jaar = Number(s.slice(0, 4));
  return jaar >= EERSTE_JAAR && jaar <= LAATSTE_JAAR;
}

/** `afnamedatum`: a real date from 2000-01-01 up to tomorrow in Europe/Amsterdam. */
export const afnamedatum = z
  .string()
  .regex(DATUM, 'moet YYYY-MM-DD zijn')
  // One refinement that reads the date once (three of them, each parsing it again, were a visible part of
  // validating a delivery, bench/RESULTS.md "Issue 15"); a malformed one is named by the regex alone.
  .refine((s) => afnamedatumFout(s) === undefined, {
    error: (issue) => afnamedatumFout(issue.input as string),
  });

/** Why a YYYY-MM-DD cannot be an afnamedatum, or undefined when it can (or is no YYYY-MM-DD at all). */
function afnamedatumFout(s: string): string | undefined {
  if (!DATUM.test(s)) return undefined;
  if (!isEchteDatum(s)) return 'is geen bestaande datum';
  if (s < EERSTE_AFNAMEDATUM) return `ligt voor ${EERSTE_AFNAMEDATUM}`;
  if (s > morgenInAmsterdam()) return 'ligt na morgen';
  return undefined;
}

/** Whether the offset of a date-time (`Z`, `+01:00`) is one PostgreSQL takes. */
function offsetBinnenGrenzen(s: string): boolean {
  const m = /([+-])(\d{2}):\d{2}$/.exec(s);
  return m === null || Number(m[2]) <= MAX_OFFSET_UUR;
}

/**
 * An RFC 3339 date-time with `Z` or an offset (`verzondenOp`, and `vanaf`/`tot` in the operators' lists),
 * a real date and time (zod's format checks the calendar), in the years EERSTE_JAAR..LAATSTE_JAAR, with
 * an offset of at most ±15:59.
 */
export const tijdstip = z.iso
  .datetime({ offset: true })
  .refine(jaarBinnenGrenzen, `moet in de jaren ${EERSTE_JAAR}–${LAATSTE_JAAR} liggen`)
  .refine(offsetBinnenGrenzen, `mag hoogstens ${MAX_OFFSET_UUR}:59 van UTC afwijken`);
