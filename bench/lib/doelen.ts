/** The targets: each a measured value against its bound, PASS or FAIL. */
import type { Uitslag } from './rapport.js';

export interface Doel {
  doel: string;
  waarde: string;
  grens: string;
  ok: boolean;
}

export function doelen(u: Pick<Uitslag, 'A' | 'B' | 'C' | 'copyB' | 'copyC' | 'rss'>): Doel[] {
  const uit: Doel[] = [];
  for (const a of u.A) {
    const ratio = a.service.reqS / a.bare.reqS;
    const p99 = a.service.p99 / Math.max(a.bare.p99, 1);
    uit.push({
      doel: `A${a.verbindingen} deliveries/s ÷ bare req/s`,
      waarde: ratio.toFixed(2),
      grens: '≥ 0.60',
      ok: ratio >= 0.6,
    });
    uit.push({
      doel: `A${a.verbindingen} p99 ÷ bare p99`,
      waarde: p99.toFixed(2),
      grens: '≤ 3.00',
      ok: p99 <= 3,
    });
  }
  const rB = u.B.resultatenS / u.copyB.rijenS;
  const rC = u.C.resultatenS / u.copyC.rijenS;
  uit.push({ doel: 'B results/s ÷ COPY rows/s', waarde: rB.toFixed(2), grens: '≥ 0.50', ok: rB >= 0.5 });
  uit.push({ doel: 'C results/s ÷ COPY rows/s', waarde: rC.toFixed(2), grens: '≥ 0.50', ok: rC >= 0.5 });
  uit.push({
    doel: 'service peak RSS (MB)',
    waarde: u.rss.piekMb.toFixed(0),
    grens: '< 250',
    ok: u.rss.piekMb < 250,
  });
  return uit;
}
