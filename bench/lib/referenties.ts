/**
 * The references measured by COPY on the same server, in the same run (R0, the bare route, is a process
 * of its own: bench/bare-server.ts, loaded by scenario A):
 * - R1, raw COPY: `n` result rows of the same shape (the same result JSON) into a table
 *   `LIKE toetsresultaten INCLUDING ALL` (its indexes, checks and defaults, no foreign keys);
 * - COPY into both tables: results into the service's own `toetsresultaten` and `resultaat_revisies`,
 *   with their indexes and foreign keys (scenario C's set-up, timed).
 */
import { inhoudHash } from '../../src/verwerking/inhoud.js';
import { resultaat } from './data.js';
import { copyWaarde, kopieer } from './load.js';
import type { FaseMeting } from './meting.js';
import type { Omgeving } from './opzet.js';

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
      [
        s.id,
        key,
        `LL-${n % perSchool}`,
        r.revisie,
        r.reden,
        r.toets.code,
        r.toets.versie,
        r.toetsonderdeel?.code ?? null,
        r.afnamedatum,
        r.referentiescores[0]!.waarde,
        false,
        JSON.stringify(r),
        `\\x${inhoudHash(r).toString('hex')}`,
      ]
        .map((v) => copyWaarde(v as string | number | boolean | null))
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
 * as its history row (`toegepast`), with their indexes and foreign keys. No claim, no decisions, no body.
 */
export async function copyTweeTabellen(omg: Omgeving, regels: string[]): Promise<CopyUitslag> {
  const { c } = omg;
  const tweeTabellen = await omg.meet('bench', async () => {
    let wand = await kopieer(c, 'toetsresultaten', copyKolommen, regels);
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
