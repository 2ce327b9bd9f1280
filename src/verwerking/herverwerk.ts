import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { boomResultaat } from '../schema/boom.js';
import type { Herhaling } from './beslis-bundel.js';
import type { BoomResultaat, FoutCode, Uitkomst } from './model.js';
import { verwerkHerhalingen } from './uitvoerder.js';

/** How many foutmeldingen are handled together, under one savepoint. */
export const HERVERWERK_STUK = 500;

interface FoutRij {
  id: string;
  school_id: string;
  code: FoutCode;
  resultaat_key: string;
  revisie: number;
  resultaat: unknown;
}

interface Geldig extends FoutRij {
  resultaat: BoomResultaat;
}

/** A foutmelding that could not be handled again: it stays open, and its melding says why. */
interface Onverwerkbaar {
  id: string;
  melding: string;
}

/**
 * Takes the locks of the result keys of these foutmeldingen (verwerking_vergrendel_fouten, migrations/0005),
 * as a delivery from Boom takes them: before locking a foutmelding's row, so that a retry and a delivery
 * of one key queue instead of deadlocking.
 */
async function vergrendelSleutelsVanFouten(trx: Transaction<Database>, foutIds: string[]): Promise<void> {
  await sql`SELECT verwerking_vergrendel_fouten(${foutIds}::uuid[])`.execute(trx);
}

/**
 * Handles the given open foutmeldingen again, in the caller's transaction: per school, in order of
 * revisie. Answers the outcome per foutmelding id (ids that are not open are left out). A success
 * marks the foutmelding `opgelost`; another error keeps it `open` with its new code.
 *
 * Each error is isolated (CONTRACT §3: one that cannot be handled stays open with its reason and never
 * fails the fix for the others). A kept result is validated again with today's schema first: one that no
 * longer passes (an afnamedatum from before 2000, kept before that rule) is not handled. The others are
 * handled HERVERWERK_STUK at a time, each batch under a savepoint; when a batch fails on its data, it is
 * rolled back to the savepoint and handled again one foutmelding at a time, so only the one that fails
 * stays behind. Both kinds stay open with an attempt more and a melding saying why, and answer `fout`
 * with their code. A failure that is not about one error's data (the database gone, a lock timeout, a
 * deadlock) still fails the whole call: the caller's transaction decides what happens to it.
 */
export async function herverwerkFoutmeldingen(
  trx: Transaction<Database>,
  foutIds: string[],
): Promise<Map<string, Uitkomst>> {
  const uitkomsten = new Map<string, Uitkomst>();
  if (foutIds.length === 0) return uitkomsten;
  await vergrendelSleutelsVanFouten(trx, foutIds);
  const { rows } = await sql<FoutRij>`
    SELECT f.id, f.school_id, f.code, f.resultaat_key, f.revisie, f.resultaat
      FROM foutmeldingen f
     WHERE f.id = ANY(${foutIds}::uuid[]) AND f.status = 'open'
     ORDER BY f.school_id, f.revisie, f.aangemaakt_op, f.id
       FOR UPDATE OF f`.execute(trx);
  if (rows.length === 0) return uitkomsten;

  const onverwerkbaar: Onverwerkbaar[] = [];
  const geldig: Geldig[] = [];
  for (const rij of rows) {
    const gecontroleerd = boomResultaat.safeParse(rij.resultaat);
    if (gecontroleerd.success) {
      geldig.push({ ...rij, resultaat: gecontroleerd.data });
      continue;
    }
    const issue = gecontroleerd.error.issues[0];
    const waar = issue ? `${issue.path.join('.') || 'resultaat'}: ${issue.message}` : 'ongeldig';
    onverwerkbaar.push({
      id: rij.id,
      melding:
        `Het bewaarde resultaat voldoet niet meer aan het schema (${waar}) en wordt niet opnieuw verwerkt; ` +
        'Boom kan het verbeterd opnieuw sturen, of negeer deze foutmelding',
    });
  }
  for (let i = 0; i < geldig.length; i += HERVERWERK_STUK) {
    await verwerkStuk(trx, geldig.slice(i, i + HERVERWERK_STUK), uitkomsten, onverwerkbaar);
  }
  if (onverwerkbaar.length > 0) {
    await blijftOpen(trx, onverwerkbaar);
    const perId = new Map(rows.map((r) => [r.id, r]));
    for (const { id, melding } of onverwerkbaar) {
      const rij = perId.get(id)!;
      uitkomsten.set(id, {
        resultaatKey: rij.resultaat_key,
        revisie: rij.revisie,
        status: 'fout',
        fout: { code: rij.code, melding },
      });
    }
  }
  return uitkomsten;
}

/** A batch under a savepoint; on a failure of its data, one foutmelding at a time. */
async function verwerkStuk(
  trx: Transaction<Database>,
  rijen: Geldig[],
  uitkomsten: Map<string, Uitkomst>,
  onverwerkbaar: Onverwerkbaar[],
): Promise<void> {
  try {
    await onderSavepoint(trx, () => verwerkRijen(trx, rijen, uitkomsten));
  } catch (err) {
    if (!ligtAanDeGegevens(err)) throw err;
    if (rijen.length > 1) {
      for (const rij of rijen) await verwerkStuk(trx, [rij], uitkomsten, onverwerkbaar);
      return;
    }
    const code = (err as { code?: unknown }).code;
    onverwerkbaar.push({
      id: rijen[0]!.id,
      melding:
        `Dit resultaat kon niet opnieuw worden verwerkt${typeof code === 'string' ? ` (databasefout ${code})` : ''}; ` +
        'Boom kan het verbeterd opnieuw sturen, of negeer deze foutmelding',
    });
  }
}

async function verwerkRijen(
  trx: Transaction<Database>,
  rijen: Geldig[],
  uitkomsten: Map<string, Uitkomst>,
): Promise<void> {
  const perSchool = new Map<string, Herhaling>();
  for (const rij of rijen) {
    let herhaling = perSchool.get(rij.school_id);
    if (!herhaling) {
      herhaling = { schoolId: rij.school_id, fouten: [] };
      perSchool.set(rij.school_id, herhaling);
    }
    herhaling.fouten.push({ foutId: rij.id, resultaat: rij.resultaat });
  }
  const herhalingen = [...perSchool.values()];
  const res = await verwerkHerhalingen(trx, herhalingen);
  // Only once every statement of the batch succeeded: a batch rolled back answers nothing.
  herhalingen.forEach(({ fouten }, g) => {
    fouten.forEach(({ foutId }, i) => {
      uitkomsten.set(foutId, res[g]![i]!);
    });
  });
}

async function onderSavepoint(trx: Transaction<Database>, fn: () => Promise<void>): Promise<void> {
  await sql`SAVEPOINT herverwerk`.execute(trx);
  try {
    await fn();
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT herverwerk`.execute(trx);
    throw err;
  }
  await sql`RELEASE SAVEPOINT herverwerk`.execute(trx);
}

/**
 * Whether a failure belongs to the data being handled, so that handling the others without it can
 * succeed: PostgreSQL's data exceptions (class 22: a date out of range, a number too large) and integrity
 * violations (class 23), or an error of our own code on that data. Anything else (the connection, a
 * timeout, a deadlock, which the transaction's caller retries) fails the whole call.
 */
function ligtAanDeGegevens(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err instanceof TypeError || err instanceof RangeError;
  return code.startsWith('22') || code.startsWith('23');
}

/** An attempt more, and why it stays open, for foutmeldingen that could not be handled. */
async function blijftOpen(trx: Transaction<Database>, rijen: Onverwerkbaar[]): Promise<void> {
  await sql`
    UPDATE foutmeldingen AS f
       SET melding = u.melding, pogingen = f.pogingen + 1, laatste_poging_op = clock_timestamp()
      FROM jsonb_to_recordset(${JSON.stringify(rijen)}::jsonb) AS u(id uuid, melding text)
     WHERE f.id = u.id AND f.status = 'open'`.execute(trx);
}
