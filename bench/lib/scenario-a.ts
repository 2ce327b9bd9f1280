/**
 * Scenario A: deliveries of one result each (unique berichtId and resultaatKey per request, spread over the
 * schools' keys) with autocannon, against the bare route R0 with the same body at the same connections:
 * short rounds, alternating, so that both meet the same noise.
 */
import type * as Autocannon from 'autocannon';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { say } from './config.js';
import { aanlevering, resultaat } from './data.js';
import { boekAf, controleerLedger, type LedgerCheck, type Post } from './ledger.js';
import { voegToe } from './meting.js';
import type { Omgeving } from './opzet.js';

/** Rounds of one side together: requests/s over all rounds; p50 and p99 the median of the rounds'. */
function samen(rondes: Autocannon.Result[]) {
  const mediaan = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const ok = rondes.reduce((n, r) => n + r['2xx'], 0);
  const duur = rondes.reduce((n, r) => n + r.duration, 0);
  return {
    reqS: ok / duur,
    p50: mediaan(rondes.map((r) => r.latency.p50)),
    p99: mediaan(rondes.map((r) => r.latency.p99)),
    p99Rondes: rondes.map((r) => r.latency.p99),
    reqSRondes: rondes.map((r) => Math.round(r['2xx'] / r.duration)),
    non2xx: rondes.reduce((n, r) => n + r.non2xx, 0),
    errors: rondes.reduce((n, r) => n + r.errors + r.timeouts, 0),
  };
}

export type Kant = ReturnType<typeof samen>;

export interface FaseA {
  verbindingen: number;
  service: Kant;
  bare: Kant;
  ledger: LedgerCheck;
}

/** Scenario A at each connection count of `cfg.verbindingenA`; measurements go to `omg.metingen`. */
export async function scenarioA(omg: Omgeving): Promise<FaseA[]> {
  const { cfg, c, scholen, perSchool, svcUrl, bareUrl, metingen } = omg;
  const fasenA: FaseA[] = [];
  let teller = 0;
  for (const conns of cfg.verbindingenA) {
    const enkele =
      (prefix: string, authed: boolean) =>
      (req: AutocannonRequest): AutocannonRequest => {
        const n = teller++;
        const s = scholen[n % scholen.length]!;
        const key = `${prefix}-${s.index}-${n}`;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (authed) headers.authorization = `Bearer ${s.sleutel}`;
        return {
          ...req,
          method: 'POST',
          headers,
          body: aanlevering(key, [resultaat(s.index, n, key, perSchool)]),
        };
      };
    const kanon = (url: string, prefix: string, authed: boolean, duur: number, bodies: string[] | null) =>
      autocannon({
        url,
        connections: conns,
        duration: duur,
        timeout: 30,
        requests: [
          {
            setupRequest: enkele(prefix, authed),
            onResponse: (status, body) => {
              if (bodies && status === 200) bodies.push(body);
            },
          },
        ],
      });
    // Short rounds, alternating bare and service (and which goes first), so both meet the same noise.
    say(`A: ${conns} connections, ${cfg.rondesA} rounds of bare route and service alternating`);
    await kanon(`${bareUrl}/bare`, `WB${conns}`, false, cfg.opwarmA, null);
    await kanon(`${svcUrl}/v1/boom/resultaten`, `WA${conns}`, true, cfg.opwarmA, null);
    await c.query('CHECKPOINT');
    const bodies: string[] = [];
    const bareRondes: Autocannon.Result[] = [];
    const svcRondes: Autocannon.Result[] = [];
    const rondeDuur = Math.max(1, Math.round(cfg.duurA / cfg.rondesA));
    for (let ronde = 0; ronde < cfg.rondesA; ronde++) {
      const bareRonde = async () => {
        const r = await omg.meet(
          'bench-bare',
          () => kanon(`${bareUrl}/bare`, `B${conns}`, false, rondeDuur, null),
          false,
        );
        bareRondes.push(r.uit);
        voegToe(metingen, `A${conns} bare`, r.meting);
      };
      const svcRonde = async () => {
        const r = await omg.meet(
          'boom-koppeling',
          () => kanon(`${svcUrl}/v1/boom/resultaten`, `A${conns}`, true, rondeDuur, bodies),
          false,
        );
        svcRondes.push(r.uit);
        voegToe(metingen, `A${conns} service`, r.meting);
      };
      if (ronde % 2 === 0) {
        await bareRonde();
        await svcRonde();
      } else {
        await svcRonde();
        await bareRonde();
      }
    }
    const ledger: Post[] = [];
    boekAf(omg, bodies, ledger);
    const check = await controleerLedger(omg, `A${conns}`, ledger, `A${conns}-`, 'toegepast');
    const svc = samen(svcRondes);
    const b = samen(bareRondes);
    const rij = { verbindingen: conns, service: svc, bare: b, ledger: check };
    if (svc.non2xx || svc.errors) omg.fouten.push(`A${conns}: ${svc.non2xx} non-2xx, ${svc.errors} errors`);
    fasenA.push(rij);
    say(
      `A${conns}: service ${rij.service.reqS.toFixed(0)} req/s p50 ${rij.service.p50} ms p99 ${rij.service.p99} ms | bare ${rij.bare.reqS.toFixed(0)} req/s p99 ${rij.bare.p99} ms`,
    );
  }
  return fasenA;
}
