/**
 * Scenario A: deliveries of one result each (unique berichtId and resultaatKey per request, spread over the
 * schools' keys) with autocannon, against the bare routes R0 (one INSERT) and R0s (the delivery's three rows
 * in one statement) with the same body at the same connections (bench/bare-server.ts).
 */
import type * as Autocannon from 'autocannon';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { say } from './config.js';
import { aanlevering, resultaat } from './data.js';
import { boekAf, controleerLedger, type LedgerCheck, type Post } from './ledger.js';
import { type CpuPer, cpuPer, voegToe } from './meting.js';
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
    /** Requests answered 2xx over all rounds. */
    aantal: ok,
    non2xx: rondes.reduce((n, r) => n + r.non2xx, 0),
    errors: rondes.reduce((n, r) => n + r.errors + r.timeouts, 0),
  };
}

export type Kant = ReturnType<typeof samen>;

export interface FaseA {
  verbindingen: number;
  service: Kant;
  /** R0: the bare one-INSERT route. */
  bare: Kant;
  /** R0s: the bare route that writes the three rows of a delivery. */
  rijen: Kant;
  ledger: LedgerCheck;
  /** The rows R0s left behind: as many aanbiedingen as current results and history rows, ≥ its 2xx. */
  rijenCheck: { ok: boolean; aanbiedingen: number; huidig: number; historie: number };
  /** CPU per delivery (service) and per request (R0, R0s; node is the bare app's process). */
  cpu: { service: CpuPer; bare: CpuPer; rijen: CpuPer };
}

/** One side of the comparison: a route loaded by autocannon, measured as phase `meting`. */
interface Zijde {
  url: string;
  /** Key prefix of the warm-up and of the measured rounds (no '-': the school is the key's second part). */
  opwarmPrefix: string;
  prefix: string;
  kop: 'authorization' | 'x-school-id' | null;
  app: string;
  meting: string;
  bodies: string[] | null;
  rondes: Autocannon.Result[];
}

/**
 * Scenario A at each connection count of `cfg.verbindingenA`: the service, R0 and R0s in short rounds, the
 * order rotating from round to round so that all three meet the same noise; measurements go to
 * `omg.metingen`.
 */
export async function scenarioA(omg: Omgeving): Promise<FaseA[]> {
  const { cfg, c, scholen, perSchool, svcUrl, bareUrl, metingen } = omg;
  const fasenA: FaseA[] = [];
  let teller = 0;
  for (const conns of cfg.verbindingenA) {
    const enkele =
      (prefix: string, kop: Zijde['kop']) =>
      (req: AutocannonRequest): AutocannonRequest => {
        const n = teller++;
        const s = scholen[n % scholen.length]!;
        const key = `${prefix}-${s.index}-${n}`;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (kop === 'authorization') headers.authorization = `Bearer ${s.sleutel}`;
        if (kop === 'x-school-id') headers['x-school-id'] = s.id;
        return {
          ...req,
          method: 'POST',
          headers,
          body: aanlevering(key, [resultaat(s.index, n, key, perSchool)]),
        };
      };
    const kanon = (z: Zijde, prefix: string, duur: number, bodies: string[] | null) =>
      autocannon({
        url: z.url,
        connections: conns,
        duration: duur,
        timeout: 30,
        requests: [
          {
            setupRequest: enkele(prefix, z.kop),
            onResponse: (status, body) => {
              if (bodies && status === 200) bodies.push(body);
            },
          },
        ],
      });
    const bare: Zijde = {
      url: `${bareUrl}/bare`,
      opwarmPrefix: `WB${conns}`,
      prefix: `B${conns}`,
      kop: null,
      app: 'bench-bare',
      meting: `A${conns} bare`,
      bodies: null,
      rondes: [],
    };
    const rijen: Zijde = {
      url: `${bareUrl}/rijen`,
      opwarmPrefix: `WS${conns}`,
      prefix: `S${conns}`,
      kop: 'x-school-id',
      app: 'bench-bare',
      meting: `A${conns} bare rows`,
      bodies: null,
      rondes: [],
    };
    const service: Zijde = {
      url: `${svcUrl}/v1/boom/resultaten`,
      opwarmPrefix: `WA${conns}`,
      prefix: `A${conns}`,
      kop: 'authorization',
      app: 'boom-koppeling',
      meting: `A${conns} service`,
      bodies: [],
      rondes: [],
    };
    const zijden = [bare, rijen, service];
    say(`A: ${conns} connections, ${cfg.rondesA} rounds of R0, R0s and the service in turn`);
    for (const z of zijden) await kanon(z, z.opwarmPrefix, cfg.opwarmA, null);
    await c.query('CHECKPOINT');
    const rondeDuur = Math.max(1, Math.round(cfg.duurA / cfg.rondesA));
    for (let ronde = 0; ronde < cfg.rondesA; ronde++) {
      for (let i = 0; i < zijden.length; i++) {
        const z = zijden[(ronde + i) % zijden.length]!;
        const r = await omg.meet(z.app, () => kanon(z, z.prefix, rondeDuur, z.bodies), false);
        z.rondes.push(r.uit);
        voegToe(metingen, z.meting, r.meting);
      }
    }
    const ledger: Post[] = [];
    boekAf(omg, service.bodies!, ledger);
    const check = await controleerLedger(omg, `A${conns}`, ledger, `A${conns}-`, 'toegepast');
    const svc = samen(service.rondes);
    const b = samen(bare.rondes);
    const s = samen(rijen.rondes);
    const rijenCheck = await controleerRijen(omg, `S${conns}-`, s.aantal);
    if (!rijenCheck.ok) omg.fouten.push(`R0s A${conns}: rows left behind ${JSON.stringify(rijenCheck)}`);
    const rij: FaseA = {
      verbindingen: conns,
      service: svc,
      bare: b,
      rijen: s,
      ledger: check,
      rijenCheck,
      cpu: {
        service: cpuPer(metingen[service.meting]!, 'service', svc.aantal),
        bare: cpuPer(metingen[bare.meting]!, 'bare', b.aantal),
        rijen: cpuPer(metingen[rijen.meting]!, 'bare', s.aantal),
      },
    };
    if (svc.non2xx || svc.errors) omg.fouten.push(`A${conns}: ${svc.non2xx} non-2xx, ${svc.errors} errors`);
    if (s.non2xx || s.errors) omg.fouten.push(`R0s A${conns}: ${s.non2xx} non-2xx, ${s.errors} errors`);
    fasenA.push(rij);
    say(
      `A${conns}: service ${svc.reqS.toFixed(0)} req/s p50 ${svc.p50} ms p99 ${svc.p99} ms | R0s ${s.reqS.toFixed(0)} req/s p99 ${s.p99} ms | R0 ${b.reqS.toFixed(0)} req/s p99 ${b.p99} ms`,
    );
  }
  return fasenA;
}

/** The rows R0s wrote with keys of this prefix: the same number in its three tables, at least `erin`. */
async function controleerRijen(omg: Omgeving, prefix: string, erin: number) {
  const { rows } = await omg.c.query<{ aanbiedingen: number; huidig: number; historie: number }>(
    `SELECT (SELECT count(*) FROM bench_aanbiedingen WHERE bericht_id LIKE $1)::int AS aanbiedingen,
            (SELECT count(*) FROM bench_toetsresultaten WHERE resultaat_key LIKE $1)::int AS huidig,
            (SELECT count(*) FROM bench_resultaat_revisies WHERE resultaat_key LIKE $1)::int AS historie`,
    [`${prefix}%`],
  );
  const r = rows[0]!;
  return { ok: r.aanbiedingen === r.huidig && r.historie === r.huidig && r.huidig >= erin, ...r };
}
