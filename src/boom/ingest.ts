import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Bundelaar } from '../db/bundelaar.js';
import { Plaatsen, TermijnVerstreken } from '../db/termijn.js';
import { inPijplijnTransactie, type Termijn } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError, isDatabaseUnavailable } from '../errors.js';
import {
  type Bezet,
  beslisGroepen,
  claimStatement,
  claimVrijStatement,
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
  /** When its answer must be sent, a performance.now() time (ANTWOORDTIJD_MS after the request came in). */
  uiterlijk?: number;
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
 * A delivery whose locks another transaction holds waits in a lane of its own school (`wachtParallel` such
 * lanes in flight at once), so that it holds up no other school.
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
  /** Every delivery is answered within this (ANTWOORDTIJD_MS). */
  antwoordtijdMs?: number;
  /** Schools' lanes waiting for a lock at the same time, each with a connection of the pool. */
  wachtParallel?: number;
}

export const STANDAARD_INGEST: IngestOpties = {
  parallel: 2,
  parallelKlein: 1,
  kleinTot: 50,
  maxResultaten: 500,
  antwoordtijdMs: 10_000,
  wachtParallel: 2,
};

/** The time kept, before a delivery's deadline, to send its answer; and again for the server to stop. */
export function margeVan(antwoordtijdMs: number): number {
  return Math.min(500, Math.max(50, Math.round(antwoordtijdMs / 20)));
}

/** A delivery taken out of its batch because another transaction holds one of its locks. */
interface Uitgesteld {
  uitgesteld: Promise<IngestUitkomst>;
}

type Baanuitkomst = IngestUitkomst | Uitgesteld;

/**
 * Deliveries from Boom, each handled as if alone (CONTRACT §2): claim the berichtId (or answer the stored
 * response again, or 409), handle every result, record the delivery. A 2xx is sent only after this commits.
 * Deliveries that arrive while others are being written share one transaction and its statements (the
 * Bundelaar); a batch that fails for something other than the database being away or late is handled again
 * one delivery at a time, so that one delivery's failure is its own.
 *
 * Time and fairness (CONTRACT §2): every delivery is done by its deadline or fails with nothing kept (a 503):
 * it leaves the queue at its deadline, and a batch's transaction is bounded by its members' earliest deadline
 * (src/db/transaction.ts). A batch waits for no lock: its claim (verwerking_claim_vrij) takes every lock it
 * can get at once, and a delivery whose result key or berichtId another transaction holds (an operator's fix,
 * another instance) is taken out and waits in its school's own lane, which takes the locks waiting
 * (verwerking_claim). While that lane exists, its school's later deliveries join it, in order.
 */
export function maakIngest(
  database: IngestDb,
  opties: IngestOpties = STANDAARD_INGEST,
  waarneming: IngestWaarneming = {},
) {
  const { bijBundel, bijFase, bijUitgesteld } = waarneming;
  const antwoordtijd = opties.antwoordtijdMs ?? STANDAARD_INGEST.antwoordtijdMs!;
  const marge = margeVan(antwoordtijd);
  const plaatsen = new Plaatsen(opties.wachtParallel ?? STANDAARD_INGEST.wachtParallel!);
  const wachtbanen = new Map<string, Bundelaar<Levering, Baanuitkomst>>();
  const termijnVan = (leveringen: Levering[]): Termijn => ({
    uiterlijk: Math.min(...leveringen.map((l) => l.uiterlijk!)),
    marge,
  });

  const wachtbaan = (schoolId: string) => {
    let b = wachtbanen.get(schoolId);
    if (!b) {
      b = baan(1, true);
      wachtbanen.set(schoolId, b);
    }
    return b;
  };
  const uitstellen = (l: Levering): Uitgesteld => {
    bijUitgesteld?.();
    const uitgesteld = wachtbaan(l.schoolId).aanbieden(l).then(eenUitkomst);
    uitgesteld.catch(() => {}); // its caller awaits it; no unhandled rejection meanwhile
    return { uitgesteld };
  };
  const ingest = async (leveringen: Levering[], wachten: boolean) => {
    const termijn = termijnVan(leveringen);
    const uit = await ingestBundel(database, leveringen, { wachten, termijn, bijFase });
    return uit.map(
      (u, i): PromiseSettledResult<Baanuitkomst> =>
        u === UITGESTELD ? { status: 'fulfilled', value: uitstellen(leveringen[i]!) } : u,
    );
  };

  function baan(parallel: number, wachten: boolean): Bundelaar<Levering, Baanuitkomst> {
    return new Bundelaar<Levering, Baanuitkomst>({
      parallel,
      ...(bijBundel ? { bijStart: bijBundel } : {}),
      grootte: (l) => l.aanlevering.resultaten.length,
      maxGrootte: opties.maxResultaten,
      // Two deliveries with one berichtId are decided one after the other (the second is a replay or a 409).
      past: (bundel, l) =>
        !bundel.some((b) => b.schoolId === l.schoolId && b.aanlevering.berichtId === l.aanlevering.berichtId),
      // A delivery still waiting when its deadline (less the time to answer) has passed never starts.
      termijn: {
        uiterlijk: (l) => l.uiterlijk! - marge,
        verlopen: () => new TermijnVerstreken('waiting for a batch'),
      },
      verwerk: async (leveringen) => {
        // A lane that waits for locks holds a connection meanwhile: only `wachtParallel` of them at once.
        const vrij = wachten ? await plaatsen.neem(termijnVan(leveringen).uiterlijk - marge) : () => {};
        try {
          return await ingest(leveringen, wachten);
        } catch (err) {
          // Another transaction stored one of these berichtIds first without our lock (an instance of the
          // version before migration 0004, during a rolling deploy): run again, and it is found and replayed.
          if (botsteOpBerichtId(err)) return await ingest(leveringen, wachten);
          // The database away or too late: one by one it would be no different, only N times as late.
          if (leveringen.length === 1 || isDatabaseUnavailable(err)) throw err;
          const uitkomsten: Array<PromiseSettledResult<Baanuitkomst>> = [];
          for (const l of leveringen) {
            try {
              uitkomsten.push(...(await ingest([l], wachten)));
            } catch (reason) {
              uitkomsten.push({ status: 'rejected', reason });
            }
          }
          return uitkomsten;
        } finally {
          vrij();
        }
      },
    });
  }

  // Two deliveries with one berichtId in different lanes are still decided one after the other: the
  // claim's lock on (school, berichtId) orders them, as it orders instances.
  const klein = baan(opties.parallelKlein, false);
  const groot = baan(opties.parallel, false);
  const banen = () => [klein, groot, ...wachtbanen.values()];
  return {
    aanbieden: async (levering: Levering): Promise<IngestUitkomst> => {
      const l = { ...levering, uiterlijk: levering.uiterlijk ?? performance.now() + antwoordtijd };
      const eigen = wachtbanen.get(l.schoolId);
      const baanVan = eigen ?? (l.aanlevering.resultaten.length < opties.kleinTot ? klein : groot);
      try {
        return await eenUitkomst(await baanVan.aanbieden(l));
      } finally {
        const b = wachtbanen.get(l.schoolId);
        if (b?.leeg) wachtbanen.delete(l.schoolId);
      }
    },
    /** How long (ms) the oldest delivery in the ingest has waited for its answer (0: none waits). */
    oudste: () => Math.max(0, ...banen().map((b) => b.oudste())),
  };
}

const eenUitkomst = (u: Baanuitkomst): Promise<IngestUitkomst> | IngestUitkomst =>
  'uitgesteld' in u ? u.uitgesteld : u;

export type Ingest = ReturnType<typeof maakIngest>;

/** The phases of a batch, in order (see ingestSamen): where a batch's time goes, for the metrics. */
export type BundelFase = 'verbinding' | 'claim' | 'beslissen' | 'schrijven';

/** What maakIngest tells of its batches (for the metrics). */
export interface IngestWaarneming {
  /** A batch starts: its number of deliveries, and how many still wait. */
  bijBundel?: (aanbiedingen: number, wachtend: number) => void;
  /** A batch finished one of its phases, after `seconden`. */
  bijFase?: (fase: BundelFase, seconden: number) => void;
  /** A delivery was taken out of its batch to wait for a lock in its school's lane. */
  bijUitgesteld?: () => void;
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
 * that were open, only when the batch touches one (Foutboek). The claim waits for every lock.
 */
export async function ingestSamen(
  database: IngestDb,
  leveringen: Levering[],
  bijFase: (fase: BundelFase, seconden: number) => void = () => {},
): Promise<Array<PromiseSettledResult<IngestUitkomst>>> {
  const uit = await ingestBundel(database, leveringen, { wachten: true, bijFase });
  return uit.filter((u): u is PromiseSettledResult<IngestUitkomst> => u !== UITGESTELD);
}

/** A delivery that ingestBundel took out of its batch: another transaction holds one of its locks. */
const UITGESTELD = Symbol('uitgesteld');

/**
 * ingestSamen, with a deadline for the transaction (`termijn`), and with `wachten: false` a claim that waits
 * for no lock (verwerking_claim_vrij): a delivery one of whose locks another transaction holds, and every
 * later delivery of its school in the batch (so a school's deliveries keep their order), is answered
 * UITGESTELD, untouched.
 */
async function ingestBundel(
  { db, pool }: IngestDb,
  leveringen: Levering[],
  opties: { wachten: boolean; termijn?: Termijn; bijFase?: (fase: BundelFase, seconden: number) => void },
): Promise<Array<PromiseSettledResult<IngestUitkomst> | typeof UITGESTELD>> {
  const { wachten, termijn, bijFase = () => {} } = opties;
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
  const afgehandeld = await inPijplijnTransactie(
    pool,
    async (pijplijn) => {
      fase('verbinding');
      let rij: OpgezochtRij;
      let bezet = new Set<string>();
      if (wachten) {
        rij = (await pijplijn.stuur<{ o: OpgezochtRij }>(claimStatement(voorbereid).compile(db))).rows[0]!.o;
      } else {
        const o = (
          await pijplijn.stuur<{ o: { claim: OpgezochtRij; bezet: Bezet[] } }>(
            claimVrijStatement(voorbereid).compile(db),
          )
        ).rows[0]!.o;
        rij = o.claim;
        bezet = new Set(o.bezet.map(([soort, school, naam]) => `${soort}\u0000${perSchool(school, naam)}`));
      }
      fase('claim');
      const opgezocht = leesOpgezocht(rij);
      const uitkomsten: Array<PromiseSettledResult<IngestUitkomst> | typeof UITGESTELD> = [];
      const groepen: Groep[] = [];
      const nieuw: Array<(typeof voorbereid)[number]> = [];
      const wachtendeScholen = new Set<string>();
      voorbereid.forEach((v, i) => {
        const wacht =
          wachtendeScholen.has(v.schoolId) ||
          bezet.has(`bericht\u0000${perSchool(v.schoolId, v.berichtId)}`) ||
          v.items.some((it) => bezet.has(`sleutel\u0000${perSchool(v.schoolId, it.resultaat.resultaatKey)}`));
        if (wacht) {
          wachtendeScholen.add(v.schoolId);
          uitkomsten[i] = UITGESTELD;
          return;
        }
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
    },
    termijn,
  );
  fase('schrijven');
  return afgehandeld;
}
