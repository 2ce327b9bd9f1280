/**
 * Scenario B: new results in deliveries of `perLeveringB` (one per school at a time), sent by a small
 * closed-loop client (`load.ts`) that sends every delivery exactly once, at each connection count of
 * `verbindingenB`; after each run the reference R1s (the same rows by COPY), and after the first also the
 * raw COPY R1 of issue 5.
 */
import { say } from './config.js';
import { aanlevering, indeling, resultaat, type School } from './data.js';
import { bodiesVan, boekAf, controleerLedger, type LedgerCheck, type Post } from './ledger.js';
import { type Levering, percentiel, stuurAlles } from './load.js';
import { type CpuPer, cpuPer } from './meting.js';
import type { Omgeving } from './opzet.js';
import { type CopyUitslag, copyReferentie, type R1sUitslag, r1s } from './referenties.js';

type Maak = (s: School, n: number) => ReturnType<typeof resultaat>;

/** Deliveries of `per` results for the schools in turn; `maak(s, n)` is result n of school s. */
function leveringen(scholen: School[], totaal: number, per: number, maak: Maak, prefix: string): Levering[] {
  return indeling(scholen, totaal, per).map(({ s, start, aantal }) => ({
    auth: `Bearer ${s.sleutel}`,
    body: aanlevering(
      `${prefix}-${s.index}-${start}`,
      Array.from({ length: aantal }, (_, j) => maak(s, start + j)),
    ),
  }));
}

export interface FaseB {
  verbindingen: number;
  leveringen: number;
  resultaten: number;
  wandS: number;
  resultatenS: number;
  p50: number;
  p99: number;
  ledger: LedgerCheck;
  /** Peak RSS of the service during the run. */
  rssPiekMb: number;
  r1s: R1sUitslag;
  /** CPU per delivery: the service's, and R1s's per aanbieding (node: the bench as COPY client). */
  cpu: { service: CpuPer; r1s: CpuPer };
}

export async function scenarioB(omg: Omgeving): Promise<{ B: FaseB[]; copyB: CopyUitslag }> {
  const { cfg, scholen, perSchool, svcUrl } = omg;
  const uit: FaseB[] = [];
  let copyB: CopyUitslag | undefined;
  for (const conns of cfg.verbindingenB) {
    const naam = `B${conns}`;
    say(`${naam}: ${cfg.resultatenB} new results in deliveries of ${cfg.perLeveringB}, ${conns} connections`);
    const maak: Maak = (s, n) => resultaat(s.index, n, `${naam}-${s.index}-${n}`, perSchool);
    const lb = leveringen(scholen, cfg.resultatenB, cfg.perLeveringB, maak, naam);
    const bRun = await omg.meet('boom-koppeling', () =>
      stuurAlles(`${svcUrl}/v1/boom/resultaten`, lb, conns),
    );
    omg.metingen[naam] = bRun.meting;
    const ledgerB: Post[] = [];
    boekAf(omg, bodiesVan(omg, bRun.uit.antwoorden, naam), ledgerB);
    const checkB = await controleerLedger(omg, naam, ledgerB, `${naam}-`, 'toegepast');
    const fouteStatusB = ledgerB.filter((l) => l.status !== 'verwerkt').length;
    if (fouteStatusB) omg.fouten.push(`${naam}: ${fouteStatusB} results not verwerkt`);
    const bResultatenS = ledgerB.length / bRun.uit.wandS;
    const bLat = bRun.uit.antwoorden.map((a) => a.ms);
    say(
      `${naam}: ${ledgerB.length} results in ${bRun.uit.wandS.toFixed(2)} s = ${bResultatenS.toFixed(0)} results/s; service peak RSS ${bRun.meting.rssPiekMb.toFixed(0)} MB`,
    );

    say(`${naam}: R1s, COPY of the same rows (aanbiedingen, current results, history) in one transaction`);
    const ref = await r1s(
      omg,
      cfg.resultatenB,
      cfg.perLeveringB,
      (s, n) => resultaat(s.index, n, `R${naam}-${s.index}-${n}`, perSchool),
      `R${naam}`,
    );
    omg.metingen[`R1s (${naam})`] = ref.meting;
    say(
      `R1s: ${ref.resultaten} results in ${ref.wandS.toFixed(2)} s = ${ref.resultatenS.toFixed(0)} results/s`,
    );

    if (!copyB) {
      say(`${naam}: raw COPY reference`);
      copyB = await copyReferentie(omg, cfg.resultatenB);
      omg.metingen['COPY (B)'] = copyB.meting;
      say(`COPY: ${copyB.rijen} rows in ${copyB.wandS.toFixed(2)} s = ${copyB.rijenS.toFixed(0)} rows/s`);
    }
    uit.push({
      verbindingen: conns,
      leveringen: lb.length,
      resultaten: ledgerB.length,
      wandS: bRun.uit.wandS,
      resultatenS: bResultatenS,
      p50: percentiel(bLat, 50),
      p99: percentiel(bLat, 99),
      ledger: checkB,
      rssPiekMb: bRun.meting.rssPiekMb,
      r1s: ref,
      cpu: {
        service: cpuPer(bRun.meting, 'service', lb.length),
        r1s: cpuPer(ref.meting, 'bench', ref.aanbiedingen),
      },
    });
  }
  return { B: uit, copyB: copyB! };
}
