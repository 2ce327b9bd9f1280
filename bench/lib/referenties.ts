/**
 * The references measured by COPY on the same server, in the same run (R0 and R0s, the bare routes, are a
 * process of their own: bench/bare-server.ts, loaded by scenario A):
 * - R1s, the target of B and C: COPY of the rows the same deliveries must leave behind — per delivery its
 *   aanbieding (with body and answer), per result its current row and its history row — into bare copies of
 *   the three tables (`maakKaleTabellen`), in one transaction;
 * - R1, raw COPY (issue 5's reference, for comparison): `n` result rows of the same shape (the same result
 *   JSON) into a table `LIKE toetsresultaten INCLUDING ALL` (its indexes, checks and defaults, no foreign keys);
 * - COPY into both tables: results into the service's own `toetsresultaten` and `resultaat_revisies`,
 *   with their indexes and the change feed's triggers (scenario C's set-up, timed).
 */
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inhoudHash } from '../../src/verwerking/inhoud.js';
import { aanlevering, indeling, resultaat, type School } from './data.js';
import { copyWaarde, kopieer } from './load.js';
import type { FaseMeting } from './meting.js';
import type { Omgeving } from './opzet.js';

/**
 * Bare copies of the three tables a delivery writes, for R0s and R1s: the same columns, checks, defaults and
 * indexes (LIKE … INCLUDING ALL); no foreign keys and no triggers (LIKE copies neither).
 */
export async function maakKaleTabellen(c: pg.Client): Promise<void> {
  for (const t of ['aanbiedingen', 'toetsresultaten', 'resultaat_revisies']) {
    await c.query(`CREATE TABLE bench_${t} (LIKE ${t} INCLUDING ALL)`);
  }
}

const KALE_TABELLEN = 'bench_aanbiedingen, bench_toetsresultaten, bench_resultaat_revisies';

const aanbiedingKolommen = [
  'id',
  'school_id',
  'bericht_id',
  'ontvangen_op',
  'inhoud_hash',
  'aantal_resultaten',
  'per_status',
  'bericht',
  'antwoord',
];

export const copyKolommen = [
  'school_id',
  'resultaat_key',
  'leerling_id',
  'revisie',
  'reden',
  'toets_code',
  'toets_versie',
  'toetsonderdeel_code',
  'afnamedatum',
  'dle',
  'ingetrokken',
  'resultaat',
  'inhoud_hash',
];

const histKolommen = [
  'school_id',
  'resultaat_key',
  'revisie',
  'reden',
  'verwerking',
  'leerling_id',
  'resultaat',
  'inhoud_hash',
];

/** A bytea in COPY's text format. */
const bytea = (b: Buffer) => `\\x${b.toString('hex')}`;

/** The values of a toetsresultaten row, in the order of `copyKolommen`, for result `r` of pupil `leerling`. */
function huidigeWaarden(
  schoolId: string,
  leerling: string,
  r: ReturnType<typeof resultaat>,
  json: string,
  hash: string,
): Array<string | number | boolean | null> {
  return [
    schoolId,
    r.resultaatKey,
    leerling,
    r.revisie,
    r.reden,
    r.toets.code,
    r.toets.versie,
    r.toetsonderdeel?.code ?? null,
    r.afnamedatum,
    r.referentiescores.find((x) => x.code === 'DLE')?.waarde ?? null,
    r.reden === 'intrekking',
    json,
    hash,
  ];
}

/**
 * `aantal` rows of toetsresultaten in COPY's text format: result n of school s (n = floor(i / schools))
 * is `<prefix>-<s>-<n>`, for the schools in turn.
 */
export function copyRegels(
  omg: Omgeving,
  prefix: string,
  aantal: number,
  revisie = 1,
  reden = 'nieuw',
): string[] {
  const { scholen, perSchool } = omg;
  const regels: string[] = [];
  for (let i = 0; i < aantal; i++) {
    const s = scholen[i % scholen.length]!;
    const n = Math.floor(i / scholen.length);
    const key = `${prefix}-${s.index}-${n}`;
    const r = resultaat(s.index, n, key, perSchool, { revisie, reden });
    regels.push(
      huidigeWaarden(s.id, `LL-${n % perSchool}`, r, JSON.stringify(r), bytea(inhoudHash(r)))
        .map(copyWaarde)
        .join('\t'),
    );
  }
  return regels;
}

export interface CopyUitslag {
  rijen: number;
  wandS: number;
  rijenS: number;
  meting: FaseMeting;
}

/** R1: a raw COPY of `aantal` result rows into bench_copy (emptied before and after). */
export async function copyReferentie(omg: Omgeving, aantal: number): Promise<CopyUitslag> {
  const { c } = omg;
  const regels = copyRegels(omg, 'X', aantal);
  await c.query('TRUNCATE bench_copy');
  const { uit: wand, meting } = await omg.meet('bench', () => kopieer(c, 'bench_copy', copyKolommen, regels));
  await c.query('TRUNCATE bench_copy');
  return { rijen: aantal, wandS: wand, rijenS: aantal / wand, meting };
}

/**
 * COPY of these rows (from `copyRegels`) into the service's two tables, each result as its current row and
 * as its history row (`toegepast`), with their indexes and the change feed's triggers. No claim, no decisions, no body.
 */
export async function copyTweeTabellen(omg: Omgeving, regels: string[]): Promise<CopyUitslag> {
  const { c } = omg;
  const tweeTabellen = await omg.meet('bench', async () => {
    let wand = await kopieer(c, 'toetsresultaten', copyKolommen, regels);
    wand += await kopieer(
      c,
      'resultaat_revisies',
      histKolommen,
      regels.map((regel) => {
        const v = regel.split('\t');
        return [v[0], v[1], v[3], v[4], 'toegepast', v[2], v[11], v[12]].join('\t');
      }),
    );
    return wand;
  });
  return {
    rijen: regels.length,
    wandS: tweeTabellen.uit,
    rijenS: regels.length / tweeTabellen.uit,
    meting: tweeTabellen.meting,
  };
}

export interface R1sUitslag {
  resultaten: number;
  aanbiedingen: number;
  wandS: number;
  resultatenS: number;
  meting: FaseMeting;
}

/**
 * R1s: `totaal` results delivered `per` at a time (the layout of scenario B, `maak(s, n)` result n of
 * school s, berichtIds `<prefix>-<school>-<n>`), stored as the service must store them — an aanbieding per
 * delivery with its body and answer, a current row and a history row (`toegepast`) per result — by COPY
 * into the bare tables, the three COPYs in one transaction. The rows are made before the clock starts;
 * the tables are emptied before and after.
 */
export async function r1s(
  omg: Omgeving,
  totaal: number,
  per: number,
  maak: (s: School, n: number) => ReturnType<typeof resultaat>,
  prefix: string,
): Promise<R1sUitslag> {
  const { c, scholen, perSchool } = omg;
  const regel = (velden: Array<string | number | boolean | null>) => velden.map(copyWaarde).join('\t');
  const ontvangenOp = new Date().toISOString();
  const aanbiedingen: string[] = [];
  const huidig: string[] = [];
  const historie: string[] = [];
  for (const { s, start, aantal } of indeling(scholen, totaal, per)) {
    const id = randomUUID();
    const berichtId = `${prefix}-${s.index}-${start}`;
    const rs = Array.from({ length: aantal }, (_, j) => maak(s, start + j));
    const body = aanlevering(berichtId, rs);
    const antwoord = JSON.stringify({
      berichtId,
      ontvangenOp,
      resultaten: rs.map((r) => ({ resultaatKey: r.resultaatKey, revisie: r.revisie, status: 'verwerkt' })),
    });
    aanbiedingen.push(
      regel([
        id,
        s.id,
        berichtId,
        ontvangenOp,
        bytea(createHash('sha256').update(body).digest()),
        aantal,
        JSON.stringify({ verwerkt: aantal }),
        body,
        antwoord,
      ]),
    );
    rs.forEach((r, j) => {
      const leerling = `LL-${(start + j) % perSchool}`;
      const json = JSON.stringify(r);
      const hash = bytea(inhoudHash(r));
      huidig.push(regel([...huidigeWaarden(s.id, leerling, r, json, hash), id]));
      historie.push(regel([s.id, r.resultaatKey, r.revisie, r.reden, 'toegepast', leerling, json, hash, id]));
    });
  }
  await c.query(`TRUNCATE ${KALE_TABELLEN}`);
  const { uit: wandS, meting } = await omg.meet('bench', async () => {
    const t0 = performance.now();
    await c.query('BEGIN');
    try {
      await kopieer(c, 'bench_aanbiedingen', aanbiedingKolommen, aanbiedingen);
      await kopieer(c, 'bench_toetsresultaten', [...copyKolommen, 'aanbieding_id'], huidig);
      await kopieer(c, 'bench_resultaat_revisies', [...histKolommen, 'aanbieding_id'], historie);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    }
    return (performance.now() - t0) / 1000;
  });
  await c.query(`TRUNCATE ${KALE_TABELLEN}`);
  return {
    resultaten: huidig.length,
    aanbiedingen: aanbiedingen.length,
    wandS,
    resultatenS: huidig.length / wandS,
    meting,
  };
}
