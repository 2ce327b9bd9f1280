/**
 * The targets: each a measured value against its bound, PASS or FAIL.
 * - `oordeel`, the bench's verdict (issue 15): the service against the bare storage of the same rows, R0s
 *   for single deliveries and R1s for batches, with the CPU per delivery of both beside each ratio;
 * - `eerdereDoelen`, issue 5's targets against R0 (one INSERT) and the raw COPY R1: printed for comparison,
 *   not part of the verdict.
 */
import type { CpuPer } from './meting.js';
import type { Uitslag } from './rapport.js';

export interface Doel {
  doel: string;
  waarde: string;
  grens: string;
  ok: boolean;
  /** CPU per delivery of the service and per delivery (request, aanbieding) of the reference. */
  cpu?: { service: CpuPer; referentie: CpuPer };
}

export function oordeel(u: Pick<Uitslag, 'A' | 'B' | 'C'>): Doel[] {
  const uit: Doel[] = [];
  for (const a of u.A) {
    const cpu = { service: a.cpu.service, referentie: a.cpu.rijen };
    const ratio = a.service.reqS / a.rijen.reqS;
    const p99 = a.service.p99 / Math.max(a.rijen.p99, 1);
    uit.push({
      doel: `A${a.verbindingen} deliveries/s ÷ R0s req/s`,
      waarde: ratio.toFixed(2),
      grens: '≥ 1.00',
      ok: ratio >= 1,
      cpu,
    });
    uit.push({
      doel: `A${a.verbindingen} p99 ÷ R0s p99`,
      waarde: p99.toFixed(2),
      grens: '≤ 3.00',
      ok: p99 <= 3,
      cpu,
    });
  }
  for (const b of u.B) {
    const ratio = b.resultatenS / b.r1s.resultatenS;
    uit.push({
      doel: `B${b.verbindingen} results/s ÷ R1s results/s`,
      waarde: ratio.toFixed(2),
      grens: '≥ 1.00',
      ok: ratio >= 1,
      cpu: { service: b.cpu.service, referentie: b.cpu.r1s },
    });
  }
  const rC = u.C.resultatenS / u.C.r1s.resultatenS;
  uit.push({
    doel: 'C results/s ÷ R1s results/s',
    waarde: rC.toFixed(2),
    grens: '≥ 1.00',
    ok: rC >= 1,
    cpu: { service: u.C.cpu.service, referentie: u.C.cpu.r1s },
  });
  const piekB = Math.max(...u.B.map((b) => b.rssPiekMb));
  uit.push({
    doel: 'service peak RSS during B (MB)',
    waarde: piekB.toFixed(0),
    grens: '< 200',
    ok: piekB < 200,
  });
  return uit;
}

export function eerdereDoelen(u: Pick<Uitslag, 'A' | 'B' | 'C' | 'copyB' | 'copyC' | 'rss'>): Doel[] {
  const uit: Doel[] = [];
  for (const a of u.A) {
    const ratio = a.service.reqS / a.bare.reqS;
    const p99 = a.service.p99 / Math.max(a.bare.p99, 1);
    uit.push({
      doel: `A${a.verbindingen} deliveries/s ÷ bare req/s (R0)`,
      waarde: ratio.toFixed(2),
      grens: '≥ 0.60',
      ok: ratio >= 0.6,
    });
    uit.push({
      doel: `A${a.verbindingen} p99 ÷ bare p99 (R0)`,
      waarde: p99.toFixed(2),
      grens: '≤ 3.00',
      ok: p99 <= 3,
    });
  }
  for (const b of u.B) {
    const rB = b.resultatenS / u.copyB.rijenS;
    uit.push({
      doel: `B${b.verbindingen} results/s ÷ COPY rows/s (R1)`,
      waarde: rB.toFixed(2),
      grens: '≥ 0.50',
      ok: rB >= 0.5,
    });
  }
  const rC = u.C.resultatenS / u.copyC.rijenS;
  uit.push({ doel: 'C results/s ÷ COPY rows/s (R1)', waarde: rC.toFixed(2), grens: '≥ 0.50', ok: rC >= 0.5 });
  uit.push({
    doel: 'service peak RSS over the run (MB)',
    waarde: u.rss.piekMb.toFixed(0),
    grens: '< 250',
    ok: u.rss.piekMb < 250,
  });
  return uit;
}
