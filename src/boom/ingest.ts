import { randomUUID } from 'node:crypto';
import { type Deadline, DeadlinePassed, Slots } from '../db/deadline.js';
import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError, isDatabaseUnavailable } from '../errors.js';
import { Batcher } from '../lib/batcher.js';
import {
  type Aanbieding,
  type AanbiedingAntwoord,
  type AanbiedingBesluit,
  perSchool,
  verwerkAanbiedingen,
} from '../verwerking/index.js';

/** An aanbieding as the route hands it to the ingest: its school, and its validated body. */
export interface AanbiedingVanSchool {
  schoolId: string;
  aanbieding: Aanbieding;
  /** When its answer must be sent, a performance.now() time (RESPONSE_DEADLINE_MS after the request came in). */
  uiterlijk?: number;
}

/** An aanbieding in the ingest: with the id it gets when accepted, and its deadline. */
interface InBehandeling extends AanbiedingVanSchool {
  id: string;
  uiterlijk: number;
}

export interface IngestUitkomst {
  antwoord: AanbiedingAntwoord;
  herhaald: boolean;
}

/**
 * How aanbiedingen are batched (src/lib/batcher.ts), in two lanes: small ones (fewer than `kleinTot`
 * results, typically one class or one pupil) gain most from large batches, so they have `parallelKlein`
 * batches in flight (1: everything that arrives meanwhile joins the next batch); larger ones are batches of
 * their own or nearly, and gain from overlapping, with `parallel` in flight. See bench/RESULTS.md.
 * An aanbieding whose locks another transaction holds waits in a lane of its own school (`wachtParallel`
 * such lanes in flight at once), so that it holds up no other school.
 */
export interface IngestOpties {
  /** Batches of larger aanbiedingen in flight at the same time (INGEST_PARALLEL). */
  parallel: number;
  /** Batches of small aanbiedingen in flight at the same time. */
  parallelKlein: number;
  /** An aanbieding with fewer results than this is small. */
  kleinTot: number;
  /** Results per batch; a larger aanbieding is a batch of its own. */
  maxResultaten: number;
  /** Every aanbieding is answered within this (RESPONSE_DEADLINE_MS). */
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

/** The time kept, before an aanbieding's deadline, to send its answer; and again for the server to stop. */
export function margeVan(antwoordtijdMs: number): number {
  return Math.min(500, Math.max(50, Math.round(antwoordtijdMs / 20)));
}

/** The phases of a batch, in order: where a batch's time goes, for the metrics. */
export type BundelFase = 'verbinding' | 'claim' | 'beslissen' | 'schrijven';

/** What maakIngest tells of its batches (for the metrics), and a hook for the tests. */
export interface IngestWaarneming {
  /** A batch starts: its number of aanbiedingen, and how many still wait. */
  bijBundel?: (aanbiedingen: number, wachtend: number) => void;
  /** A batch finished one of its phases, after `seconden`. */
  bijFase?: (fase: BundelFase, seconden: number) => void;
  /** An aanbieding was taken out of its batch to wait for a lock in its school's lane. */
  bijUitgesteld?: () => void;
  /**
   * A batch's transaction is about to claim these berichtIds; the claim waits for the promise answered, if
   * any (the tests keep a batch open with it).
   */
  voorClaim?: (berichtIds: string[]) => Promise<unknown> | undefined;
}

/** An aanbieding taken out of its batch because another transaction holds one of its locks. */
interface Uitgesteld {
  uitgesteld: Promise<IngestUitkomst>;
}

type Baanuitkomst = IngestUitkomst | Uitgesteld;

/**
 * Aanbiedingen from Boom, each handled as if alone (CONTRACT §2) by verwerking/'s executor: claim the
 * berichtId (or answer the stored response again, or 409), handle every result, record the aanbieding. A 2xx
 * is sent only after this commits. Aanbiedingen that arrive while others are being written share one
 * transaction and its statements (the Batcher); a batch that fails for something other than the database
 * being away or late is handled again one aanbieding at a time, so that one aanbieding's failure is its own.
 *
 * Time and fairness (CONTRACT §2): every aanbieding is done by its deadline or fails with nothing kept (a
 * 503): it leaves the queue at its deadline, and a batch's transaction is bounded by its members' earliest
 * deadline (src/db/transaction.ts). A batch waits for no lock: its claim takes every lock it can get at once,
 * and an aanbieding whose result key or berichtId another transaction holds (an operator's fix, another
 * instance) is taken out and waits in its school's own lane, which takes the locks waiting. While that lane
 * exists, its school's later aanbiedingen join it, in order.
 */
export function maakIngest(
  db: Db,
  opties: IngestOpties = STANDAARD_INGEST,
  waarneming: IngestWaarneming = {},
) {
  const { bijBundel, bijUitgesteld } = waarneming;
  const antwoordtijd = opties.antwoordtijdMs ?? STANDAARD_INGEST.antwoordtijdMs!;
  const marge = margeVan(antwoordtijd);
  const plaatsen = new Slots(opties.wachtParallel ?? STANDAARD_INGEST.wachtParallel!);
  const wachtbanen = new Map<string, Batcher<InBehandeling, Baanuitkomst>>();
  const termijnVan = (bundel: InBehandeling[]): Deadline => ({
    at: Math.min(...bundel.map((a) => a.uiterlijk)),
    margin: marge,
  });

  const wachtbaan = (schoolId: string) => {
    let b = wachtbanen.get(schoolId);
    if (!b) {
      b = baan(1, true);
      wachtbanen.set(schoolId, b);
    }
    return b;
  };
  const uitstellen = (a: InBehandeling): Uitgesteld => {
    bijUitgesteld?.();
    const uitgesteld = wachtbaan(a.schoolId).submit(a).then(eenUitkomst);
    uitgesteld.catch(() => {}); // its caller awaits it; no unhandled rejection meanwhile
    return { uitgesteld };
  };
  const ingest = async (bundel: InBehandeling[], wachten: boolean) => {
    const uit = await ingestBundel(db, bundel, { ...waarneming, wachten, termijn: termijnVan(bundel) });
    return uit.map(
      (u, i): PromiseSettledResult<Baanuitkomst> =>
        u === UITGESTELD ? { status: 'fulfilled', value: uitstellen(bundel[i]!) } : u,
    );
  };

  function baan(parallel: number, wachten: boolean): Batcher<InBehandeling, Baanuitkomst> {
    return new Batcher<InBehandeling, Baanuitkomst>({
      parallel,
      ...(bijBundel ? { onStart: bijBundel } : {}),
      size: (a) => a.aanbieding.resultaten.length,
      maxSize: opties.maxResultaten,
      // Two aanbiedingen with one berichtId are decided one after the other (the second is a replay or a 409).
      fits: (bundel, a) =>
        !bundel.some((b) => b.schoolId === a.schoolId && b.aanbieding.berichtId === a.aanbieding.berichtId),
      // An aanbieding still waiting when its deadline (less the time to answer) has passed never starts.
      deadline: {
        at: (a) => a.uiterlijk - marge,
        expired: () => new DeadlinePassed('waiting for a batch'),
      },
      handle: async (bundel) => {
        // A lane that waits for locks holds a connection meanwhile: only `wachtParallel` of them at once.
        const vrij = wachten ? await plaatsen.take(termijnVan(bundel).at - marge) : () => {};
        try {
          return await ingest(bundel, wachten);
        } catch (err) {
          // Another transaction stored one of these berichtIds first without our lock (an instance of the
          // version before migration 0004, during a rolling deploy): run again, and it is found and replayed.
          if (botsteOpBerichtId(err)) return await ingest(bundel, wachten);
          // The database away or too late: one by one it would be no different, only N times as late.
          if (bundel.length === 1 || isDatabaseUnavailable(err)) throw err;
          const uitkomsten: Array<PromiseSettledResult<Baanuitkomst>> = [];
          for (const a of bundel) {
            try {
              uitkomsten.push(...(await ingest([a], wachten)));
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

  // Two aanbiedingen with one berichtId in different lanes are still decided one after the other: the
  // claim's lock on (school, berichtId) orders them, as it orders instances.
  const klein = baan(opties.parallelKlein, false);
  const groot = baan(opties.parallel, false);
  const banen = () => [klein, groot, ...wachtbanen.values()];
  return {
    aanbieden: async (binnen: AanbiedingVanSchool): Promise<IngestUitkomst> => {
      const a: InBehandeling = {
        ...binnen,
        id: randomUUID(),
        uiterlijk: binnen.uiterlijk ?? performance.now() + antwoordtijd,
      };
      const eigen = wachtbanen.get(a.schoolId);
      const baanVan = eigen ?? (a.aanbieding.resultaten.length < opties.kleinTot ? klein : groot);
      try {
        return await eenUitkomst(await baanVan.submit(a));
      } finally {
        const b = wachtbanen.get(a.schoolId);
        if (b?.idle) wachtbanen.delete(a.schoolId);
      }
    },
    /** How long (ms) the oldest aanbieding in the ingest has waited for its answer (0: none waits). */
    oudste: () => Math.max(0, ...banen().map((b) => b.oldest())),
  };
}

const eenUitkomst = (u: Baanuitkomst): Promise<IngestUitkomst> | IngestUitkomst =>
  'uitgesteld' in u ? u.uitgesteld : u;

export type Ingest = ReturnType<typeof maakIngest>;

function botsteOpBerichtId(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === 'aanbiedingen_bericht_uniek';
}

/**
 * Aanbiedingen in one transaction whose claim waits for every lock, as one batch of maakIngest: for the
 * tests and the bench, which give the batches themselves.
 */
export async function ingestSamen(
  db: Db,
  aanbiedingen: AanbiedingVanSchool[],
  waarneming: IngestWaarneming = {},
): Promise<Array<PromiseSettledResult<IngestUitkomst>>> {
  const bundel = aanbiedingen.map((a) => ({ ...a, id: randomUUID(), uiterlijk: Number.POSITIVE_INFINITY }));
  const uit = await ingestBundel(db, bundel, { ...waarneming, wachten: true });
  return uit.filter((u): u is PromiseSettledResult<IngestUitkomst> => u !== UITGESTELD);
}

/** An aanbieding that ingestBundel took out of its batch: another transaction holds one of its locks. */
const UITGESTELD = Symbol('uitgesteld');

/**
 * One batch in one transaction, bounded by `termijn`, through verwerking/'s executor: each aanbieding's
 * decision as what its caller gets (a 409 as an AppError; UITGESTELD for one that must wait for a lock).
 */
async function ingestBundel(
  db: Db,
  bundel: InBehandeling[],
  opties: IngestWaarneming & { wachten: boolean; termijn?: Deadline },
): Promise<Array<PromiseSettledResult<IngestUitkomst> | typeof UITGESTELD>> {
  const { wachten, termijn, voorClaim, bijFase = () => {} } = opties;
  const uniek = new Set(bundel.map((a) => perSchool(a.schoolId, a.aanbieding.berichtId)));
  if (uniek.size !== bundel.length) throw new Error('a batch holds one berichtId twice');

  // Each phase is timed from the end of the one before: waiting for a connection (and BEGIN), the claim
  // (its round trip and its locks), deciding in node, and the writes with COMMIT (their round trip and the
  // fsync).
  let sinds = performance.now();
  const fase = (naam: BundelFase) => {
    const nu = performance.now();
    bijFase(naam, (nu - sinds) / 1000);
    sinds = nu;
  };
  const besluiten = await inTransaction(
    db,
    async (trx) => {
      fase('verbinding');
      await voorClaim?.(bundel.map((a) => a.aanbieding.berichtId));
      return verwerkAanbiedingen(trx, bundel, { wachten, bijFase: fase });
    },
    termijn,
  );
  fase('schrijven');
  return besluiten.map(naarUitkomst);
}

function naarUitkomst(b: AanbiedingBesluit): PromiseSettledResult<IngestUitkomst> | typeof UITGESTELD {
  switch (b.soort) {
    case 'wacht':
      return UITGESTELD;
    case 'herhaald':
      return { status: 'fulfilled', value: { antwoord: b.antwoord, herhaald: true } };
    case 'nieuw':
      return { status: 'fulfilled', value: { antwoord: b.antwoord, herhaald: false } };
    case 'hergebruikt':
      return {
        status: 'rejected',
        reason: new AppError('BERICHT_ID_HERGEBRUIKT', {
          detail: `berichtId ${b.berichtId} werd eerder met een andere inhoud aangeboden`,
        }),
      };
  }
}
