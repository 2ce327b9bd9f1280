import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Bundelaar } from '../db/bundelaar.js';
import { inPijplijnTransactie } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError, isDatabaseUnavailable } from '../errors.js';
import {
  beslisGroepen,
  claimStatement,
  type Groep,
  leesOpgezocht,
  type OpgezochtRij,
  perSchool,
} from '../verwerking/index.js';
import { aanleveringHashes } from '../verwerking/inhoud.js';
import { type NieuweAanbieding, nieuweAanbiedingen } from './repository.js';
import type { Aanlevering, AanleveringAntwoord } from './schema.js';

export interface Levering {
  schoolId: string;
  aanlevering: Aanlevering;
}

export interface IngestUitkomst {
  antwoord: AanleveringAntwoord;
  herhaald: boolean;
}

/**
 * How deliveries are batched (src/db/bundelaar.ts), in two lanes: small deliveries (fewer than `kleinTot`
 * results, typically one class or one pupil) gain most from large batches, so they have `parallelKlein`
 * batches in flight (1: everything that arrives meanwhile joins the next batch); larger ones are batches of
 * their own or nearly, and gain from overlapping, with `parallel` in flight. See bench/RESULTS.md.
 */
export interface IngestOpties {
  /** Batches of larger deliveries in flight at the same time (INGEST_PARALLEL). */
  parallel: number;
  /** Batches of small deliveries in flight at the same time. */
  parallelKlein: number;
  /** A delivery with fewer results than this is small. */
  kleinTot: number;
  /** Results per batch; a larger delivery is a batch of its own. */
  maxResultaten: number;
}

export const STANDAARD_INGEST: IngestOpties = {
  parallel: 2,
  parallelKlein: 1,
  kleinTot: 50,
  maxResultaten: 500,
};

/**
 * Deliveries from Boom, each handled as if alone (CONTRACT §2): claim the berichtId (or answer the stored
 * response again, or 409), handle every result, record the delivery. A 2xx is sent only after this commits.
 * Deliveries that arrive while others are being written share one transaction and its statements (the
 * Bundelaar); a batch that fails for something other than the database being away is handled again one
 * delivery at a time, so that one delivery's failure is its own.
 */
export function maakIngest(
  database: IngestDb,
  opties: IngestOpties = STANDAARD_INGEST,
  waarneming: IngestWaarneming = {},
) {
  const { bijBundel, bijFase } = waarneming;
  const ingest = (leveringen: Levering[]) => ingestSamen(database, leveringen, bijFase);
  const baan = (parallel: number) =>
    new Bundelaar<Levering, IngestUitkomst>({
      parallel,
      ...(bijBundel ? { bijStart: bijBundel } : {}),
      grootte: (l) => l.aanlevering.resultaten.length,
      maxGrootte: opties.maxResultaten,
      // Two deliveries with one berichtId are decided one after the other (the second is a replay or a 409).
      past: (bundel, l) =>
        !bundel.some((b) => b.schoolId === l.schoolId && b.aanlevering.berichtId === l.aanlevering.berichtId),
      verwerk: async (leveringen) => {
        try {
          return await ingest(leveringen);
        } catch (err) {
          // Another transaction stored one of these berichtIds first without our lock (an instance of the
          // version before migration 0004, during a rolling deploy): run again, and it is found and replayed.
          if (botsteOpBerichtId(err)) return await ingest(leveringen);
          if (leveringen.length === 1 || isDatabaseUnavailable(err)) throw err;
          const uitkomsten: Array<PromiseSettledResult<IngestUitkomst>> = [];
          for (const l of leveringen) {
            try {
              uitkomsten.push(...(await ingest([l])));
            } catch (reason) {
              uitkomsten.push({ status: 'rejected', reason });
            }
          }
          return uitkomsten;
        }
      },
    });
  // Two deliveries with one berichtId in different lanes are still decided one after the other: the
  // claim's lock on (school, berichtId) orders them, as it orders instances.
  const klein = baan(opties.parallelKlein);
  const groot = baan(opties.parallel);
  return {
    aanbieden: (levering: Levering) =>
      (levering.aanlevering.resultaten.length < opties.kleinTot ? klein : groot).aanbieden(levering),
  };
}

export type Ingest = ReturnType<typeof maakIngest>;

/** The phases of a batch, in order (see ingestSamen): where a batch's time goes, for the metrics. */
export type BundelFase = 'verbinding' | 'claim' | 'beslissen' | 'schrijven';

/** What maakIngest tells of its batches (for the metrics). */
export interface IngestWaarneming {
  /** A batch starts: its number of deliveries, and how many still wait. */
  bijBundel?: (aanbiedingen: number, wachtend: number) => void;
  /** A batch finished one of its phases, after `seconden`. */
  bijFase?: (fase: BundelFase, seconden: number) => void;
}

function botsteOpBerichtId(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === 'aanbiedingen_bericht_uniek';
}

/** The database as ingest uses it: kysely to build statements, the pool to send them pipelined. */
export interface IngestDb {
  db: Db;
  pool: pg.Pool;
}

/**
 * Deliveries in one transaction, with a fixed number of statements in two round trips: BEGIN with one
 * claim statement (locks the berichtIds and result keys, reads earlier deliveries, the schools' settings
 * and every lookup); then one write statement (current results, history, errors and the deliveries with
 * their answers) with COMMIT right behind it, and before it one that updates or resolves foutmeldingen
 * that were open, only when the batch touches one (Foutboek).
 */
export async function ingestSamen(
  { db, pool }: IngestDb,
  leveringen: Levering[],
  bijFase: (fase: BundelFase, seconden: number) => void = () => {},
): Promise<Array<PromiseSettledResult<IngestUitkomst>>> {
  const voorbereid = leveringen.map(({ schoolId, aanlevering }) => {
    const hashes = aanleveringHashes(aanlevering);
    const items = aanlevering.resultaten.map((resultaat, i) => ({ resultaat, hash: hashes.perResultaat[i] }));
    return { schoolId, aanlevering, hash: hashes.geheel, items, berichtId: aanlevering.berichtId };
  });
  const uniek = new Set(voorbereid.map((v) => perSchool(v.schoolId, v.berichtId)));
  if (uniek.size !== voorbereid.length) throw new Error('a batch holds one berichtId twice');

  // Each phase is timed from the end of the one before: waiting for a connection, BEGIN with the claim (its
  // round trip and its locks), deciding in node, and the writes with COMMIT (their round trip and the fsync).
  let sinds = performance.now();
  const fase = (naam: BundelFase) => {
    const nu = performance.now();
    bijFase(naam, (nu - sinds) / 1000);
    sinds = nu;
  };
  const afgehandeld = await inPijplijnTransactie(pool, async (pijplijn) => {
    fase('verbinding');
    const claim = await pijplijn.stuur<{ o: OpgezochtRij }>(claimStatement(voorbereid).compile(db));
    fase('claim');
    const opgezocht = leesOpgezocht(claim.rows[0]!.o);
    const uitkomsten: Array<PromiseSettledResult<IngestUitkomst>> = [];
    const groepen: Groep[] = [];
    const nieuw: Array<(typeof voorbereid)[number]> = [];
    voorbereid.forEach((v, i) => {
      const eerder = opgezocht.eerder.get(perSchool(v.schoolId, v.berichtId));
      if (eerder === undefined) {
        groepen.push({ schoolId: v.schoolId, items: v.items, aanbiedingId: randomUUID() });
        nieuw.push(v);
      } else if (v.hash.equals(eerder.hash)) {
        const antwoord = eerder.antwoord as AanleveringAntwoord;
        uitkomsten[i] = { status: 'fulfilled', value: { antwoord, herhaald: true } };
      } else {
        const reason = new AppError('BERICHT_ID_HERGEBRUIKT', {
          detail: `berichtId ${v.berichtId} werd eerder met een andere inhoud aangeboden`,
        });
        uitkomsten[i] = { status: 'rejected', reason };
      }
    });
    if (groepen.length === 0) {
      fase('beslissen');
      return uitkomsten;
    }

    const ontvangenOp = opgezocht.nu.toISOString();
    const antwoorden: AanleveringAntwoord[] = [];
    const { statements } = beslisGroepen(groepen, opgezocht, {
      afronding: (perGroep) =>
        nieuweAanbiedingen(
          perGroep.map((resultaten, g): NieuweAanbieding => {
            const v = nieuw[g]!;
            const perStatus: Record<string, number> = {};
            for (const r of resultaten) perStatus[r.status] = (perStatus[r.status] ?? 0) + 1;
            const antwoord = { berichtId: v.berichtId, ontvangenOp, resultaten };
            antwoorden.push(antwoord);
            return {
              id: groepen[g]!.aanbiedingId!,
              schoolId: v.schoolId,
              berichtId: v.berichtId,
              ontvangenOp,
              volgnummer: g,
              hash: v.hash,
              aantal: v.items.length,
              perStatus,
              bericht: v.aanlevering,
              antwoord,
            };
          }),
        ),
    });
    // Sent without waiting: inPijplijnTransactie sends COMMIT right behind them and settles them all.
    for (const statement of statements) void pijplijn.stuur(statement.compile(db));
    fase('beslissen');
    let g = 0;
    voorbereid.forEach((_, i) => {
      if (uitkomsten[i] === undefined) {
        uitkomsten[i] = { status: 'fulfilled', value: { antwoord: antwoorden[g++]!, herhaald: false } };
      }
    });
    return uitkomsten;
  });
  fase('schrijven');
  return afgehandeld;
}
