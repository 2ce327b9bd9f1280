/**
 * Scenario C, a re-norming burst over results already stored: `revisiesC` existing results are loaded by
 * COPY into `toetsresultaten` and `resultaat_revisies` (timed: the reference "COPY both tables"); then
 * revisie 2, `reden: hernormering`, of every one of them in deliveries of `perLeveringC`; then the reference
 * R1s (the rows of as many deliveries of as many results, by COPY) and the raw COPY R1 again. The even schools have BOOM WIJZIGINGEN VERWERKEN on, the odd ones off.
 */
import { say } from './config.js';
import { aanlevering, resultaat } from './data.js';
import { bodiesVan, boekAf, controleerLedger, type LedgerCheck, type Post, schoolUitKey } from './ledger.js';
import { type Levering, percentiel, stuurAlles } from './load.js';
import { type CpuPer, cpuPer } from './meting.js';
import type { Omgeving } from './opzet.js';
import {
  type CopyUitslag,
  copyReferentie,
  copyRegels,
  copyTweeTabellen,
  type R1sUitslag,
  r1s,
} from './referenties.js';

export interface FaseC {
  revisies: number;
  wandS: number;
  resultatenS: number;
  p50: number;
  p99: number;
  statussen: Record<string, number>;
  historieRevisie2: Array<{ verwerking: string; n: number }>;
  historieRevisie1: number;
  ledger: LedgerCheck;
  leveringen: number;
  r1s: R1sUitslag;
  /** CPU per delivery: the service's, and R1s's per aanbieding (node: the bench as COPY client). */
  cpu: { service: CpuPer; r1s: CpuPer };
}

export async function scenarioC(
  omg: Omgeving,
): Promise<{ C: FaseC; copyC: CopyUitslag; copyTwee: CopyUitslag }> {
  const { cfg, c, scholen, perSchool, svcUrl } = omg;
  // Revisie 2 of result n of school s: what C delivers, and what its R1s stores.
  const hernormering = (s: number, n: number, key: string) =>
    resultaat(s, n, key, perSchool, {
      revisie: 2,
      reden: 'hernormering',
      dle: String(11 + (n % 40)),
    });
  say(`C: loading ${cfg.revisiesC} existing results (COPY into toetsresultaten and resultaat_revisies)`);
  const bestaand = copyRegels(omg, 'C', cfg.revisiesC);
  // Timed as a reference of its own: the two rows the service stores per new result (current and history),
  // by COPY into the real tables with their indexes and the change feed's triggers. No claim, no decisions, no body kept.
  const copyTwee = await copyTweeTabellen(omg, bestaand);
  omg.metingen['COPY both tables'] = copyTwee.meting;
  say(`COPY into toetsresultaten and resultaat_revisies: ${copyTwee.rijenS.toFixed(0)} results/s`);
  await c.query('ANALYZE toetsresultaten, resultaat_revisies');
  // copyRegels numbers result n of school s as C-<s>-<n>, with n = floor(i / schools): the same below.
  const perSchoolC = Math.ceil(cfg.revisiesC / scholen.length);
  const lc: Levering[] = [];
  for (let start = 0; start < perSchoolC; start += cfg.perLeveringC) {
    for (const s of scholen) {
      const rs: ReturnType<typeof resultaat>[] = [];
      for (let n = start; n < Math.min(start + cfg.perLeveringC, perSchoolC); n++) {
        if (n * scholen.length + s.index >= cfg.revisiesC) break;
        rs.push(hernormering(s.index, n, `C-${s.index}-${n}`));
      }
      if (rs.length)
        lc.push({ auth: `Bearer ${s.sleutel}`, body: aanlevering(`CH-${s.index}-${start}`, rs) });
    }
  }
  say(
    `C: ${cfg.revisiesC} revisions (hernormering) in ${lc.length} deliveries, ${cfg.verbindingenC} connections; flag on for even schools, off for odd`,
  );
  const cRun = await omg.meet('boom-koppeling', () =>
    stuurAlles(`${svcUrl}/v1/boom/resultaten`, lc, cfg.verbindingenC),
  );
  omg.metingen.C = cRun.meting;
  const ledgerC: Post[] = [];
  boekAf(omg, bodiesVan(omg, cRun.uit.antwoorden, 'C'), ledgerC);
  const checkC = await controleerLedger(omg, 'C', ledgerC, 'C-', 'per-school');
  const verwachtStatus = (p: Post) => (schoolUitKey(omg, p.key).verwerken ? 'verwerkt' : 'overgeslagen');
  const fouteStatusC = ledgerC.filter((p) => p.status !== verwachtStatus(p)).length;
  const telC = { verwerkt: 0, overgeslagen: 0 } as Record<string, number>;
  for (const p of ledgerC) telC[p.status] = (telC[p.status] ?? 0) + 1;
  const histC = (
    await c.query<{ verwerking: string; n: number }>(
      `SELECT verwerking, count(*)::int AS n FROM resultaat_revisies
        WHERE resultaat_key LIKE 'C-%' AND revisie = 2 GROUP BY verwerking ORDER BY 1`,
    )
  ).rows;
  const revisie1 = (
    await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM resultaat_revisies WHERE resultaat_key LIKE 'C-%' AND revisie = 1`,
    )
  ).rows[0]!.n;
  if (fouteStatusC)
    omg.fouten.push(`C: ${fouteStatusC} results with the wrong status for their school's setting`);
  if (revisie1 !== cfg.revisiesC)
    omg.fouten.push(`C: history of revisie 1 has ${revisie1} rows, expected ${cfg.revisiesC}`);
  if (ledgerC.length !== cfg.revisiesC)
    omg.fouten.push(`C: ${ledgerC.length} of ${cfg.revisiesC} revisions acknowledged`);
  const cResultatenS = ledgerC.length / cRun.uit.wandS;
  const cLat = cRun.uit.antwoorden.map((a) => a.ms);
  say(
    `C: ${ledgerC.length} revisions in ${cRun.uit.wandS.toFixed(2)} s = ${cResultatenS.toFixed(0)} results/s; ${JSON.stringify(telC)}; history rev 2 ${JSON.stringify(histC)}`,
  );
  say('C: R1s, COPY of the same rows (aanbiedingen, current results, history) in one transaction');
  const ref = await r1s(
    omg,
    cfg.revisiesC,
    cfg.perLeveringC,
    (s, n) => hernormering(s.index, n, `RC-${s.index}-${n}`),
    'RC',
  );
  omg.metingen['R1s (C)'] = ref.meting;
  say(
    `R1s: ${ref.resultaten} results in ${ref.wandS.toFixed(2)} s = ${ref.resultatenS.toFixed(0)} results/s`,
  );
  say('C: raw COPY reference');
  const copyC = await copyReferentie(omg, cfg.revisiesC);
  omg.metingen['COPY (C)'] = copyC.meting;
  say(`COPY: ${copyC.rijen} rows in ${copyC.wandS.toFixed(2)} s = ${copyC.rijenS.toFixed(0)} rows/s`);
  return {
    C: {
      revisies: ledgerC.length,
      wandS: cRun.uit.wandS,
      resultatenS: cResultatenS,
      p50: percentiel(cLat, 50),
      p99: percentiel(cLat, 99),
      statussen: telC,
      historieRevisie2: histC,
      historieRevisie1: revisie1,
      ledger: checkC,
      leveringen: lc.length,
      r1s: ref,
      cpu: {
        service: cpuPer(cRun.meting, 'service', lc.length),
        r1s: cpuPer(ref.meting, 'bench', ref.aanbiedingen),
      },
    },
    copyC,
    copyTwee,
  };
}
