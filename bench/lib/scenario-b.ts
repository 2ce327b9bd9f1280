/**
 * Scenario B: new results in deliveries of `perLeveringB` (one per school at a time), sent by a small
 * closed-loop client (`load.ts`) that sends every delivery exactly once; then the raw COPY reference R1.
 */
import { say } from './config.js';
import { aanlevering, resultaat, type School } from './data.js';
import { bodiesVan, boekAf, controleerLedger, type LedgerCheck, type Post } from './ledger.js';
import { type Levering, percentiel, stuurAlles } from './load.js';
import type { Omgeving } from './opzet.js';
import { type CopyUitslag, copyReferentie } from './referenties.js';

/** Deliveries of `per` results for the schools in turn; `maak(s, n)` is result n of school s. */
function leveringen(
  scholen: School[],
  totaal: number,
  per: number,
  maak: (s: School, n: number) => ReturnType<typeof resultaat>,
  prefix: string,
): Levering[] {
  const perSchoolTotaal = Math.ceil(totaal / scholen.length);
  const uit: Levering[] = [];
  let gemaakt = 0;
  for (let start = 0; start < perSchoolTotaal && gemaakt < totaal; start += per) {
    for (const s of scholen) {
      const aantal = Math.min(per, perSchoolTotaal - start, totaal - gemaakt);
      if (aantal <= 0) break;
      const rs = Array.from({ length: aantal }, (_, j) => maak(s, start + j));
      uit.push({ auth: `Bearer ${s.sleutel}`, body: aanlevering(`${prefix}-${s.index}-${start}`, rs) });
      gemaakt += aantal;
    }
  }
  return uit;
}

export interface FaseB {
  resultaten: number;
  wandS: number;
  resultatenS: number;
  p50: number;
  p99: number;
  ledger: LedgerCheck;
}

export async function scenarioB(omg: Omgeving): Promise<{ B: FaseB; copyB: CopyUitslag }> {
  const { cfg, scholen, perSchool, svcUrl } = omg;
  say(
    `B: ${cfg.resultatenB} new results in deliveries of ${cfg.perLeveringB}, ${cfg.verbindingenBC} connections`,
  );
  const lb = leveringen(
    scholen,
    cfg.resultatenB,
    cfg.perLeveringB,
    (s, n) => resultaat(s.index, n, `B-${s.index}-${n}`, perSchool),
    'B',
  );
  const bRun = await omg.meet('boom-koppeling', () =>
    stuurAlles(`${svcUrl}/v1/boom/resultaten`, lb, cfg.verbindingenBC),
  );
  omg.metingen.B = bRun.meting;
  const ledgerB: Post[] = [];
  boekAf(omg, bodiesVan(omg, bRun.uit.antwoorden, 'B'), ledgerB);
  const checkB = await controleerLedger(omg, 'B', ledgerB, 'B-', 'toegepast');
  const fouteStatusB = ledgerB.filter((l) => l.status !== 'verwerkt').length;
  if (fouteStatusB) omg.fouten.push(`B: ${fouteStatusB} results not verwerkt`);
  const bResultatenS = ledgerB.length / bRun.uit.wandS;
  const bLat = bRun.uit.antwoorden.map((a) => a.ms);
  say(
    `B: ${ledgerB.length} results in ${bRun.uit.wandS.toFixed(2)} s = ${bResultatenS.toFixed(0)} results/s`,
  );
  say('B: raw COPY reference');
  const copyB = await copyReferentie(omg, cfg.resultatenB);
  omg.metingen['COPY (B)'] = copyB.meting;
  say(`COPY: ${copyB.rijen} rows in ${copyB.wandS.toFixed(2)} s = ${copyB.rijenS.toFixed(0)} rows/s`);
  return {
    B: {
      resultaten: ledgerB.length,
      wandS: bRun.uit.wandS,
      resultatenS: bResultatenS,
      p50: percentiel(bLat, 50),
      p99: percentiel(bLat, 99),
      ledger: checkB,
    },
    copyB,
  };
}
