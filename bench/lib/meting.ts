/**
 * What the bench records about a phase besides its own figures: CPU per party, connection states, WAL,
 * the heaviest statements, the service's RSS and its batches. `maakMeter` wraps a phase in all of it.
 */
import type pg from 'pg';
import { type CpuVerdeling, cpuStand, cpuVerschil, type RssSampler } from './proc.js';

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

export interface FaseMeting {
  cpu: CpuVerdeling;
  wacht: Record<string, number>;
  statements: Awaited<ReturnType<typeof topStatements>>;
  walMb: number;
  walSyncs: number;
  rssPiekMb: number;
  /** The service's batches in the phase (from its /metrics), as sums: see `bundelStand`. */
  bundels?: BundelStand;
}

export const FASEN = ['verbinding', 'claim', 'beslissen', 'schrijven'] as const;

/** Batches, their deliveries, and the seconds spent in each phase of a batch, as counted so far. */
export interface BundelStand {
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

/**
 * Runs `fn` as a measured phase of the connections of application `app`: after a CHECKPOINT (unless
 * `checkpoint` is false) and a reset of pg_stat_statements; the service's batches are read when `app` is
 * the service.
 */
export type Meter = <T>(
  app: string,
  fn: () => Promise<T>,
  checkpoint?: boolean,
) => Promise<{ uit: T; meting: FaseMeting }>;

export function maakMeter(d: {
  c: pg.Client;
  monitor: pg.Client;
  rss: RssSampler;
  svcUrl: string;
  pids: { service: number; postmaster: number; bare: number };
}): Meter {
  const { c, monitor, rss, svcUrl, pids } = d;
  return async (app, fn, checkpoint = true) => {
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
        rssPiekMb: rss.fasePiek(),
        ...(bundels ? { bundels } : {}),
      },
    };
  };
}

/** Adds one round's measurement to a phase's: time-weighted averages, summed counts, statements merged. */
export function voegToe(metingen: Record<string, FaseMeting>, naam: string, m: FaseMeting): void {
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

/** CPU per unit (delivery, request) of a measured phase, in ms: node (`partij`'s process) and PostgreSQL. */
export interface CpuPer {
  nodeMs: number;
  postgresMs: number;
}

/**
 * CPU time over a phase divided by `aantal`: of the process `partij` (the service, the bare app, or the bench
 * itself as the COPY client) and of all PostgreSQL processes.
 */
export function cpuPer(m: FaseMeting, partij: 'service' | 'bare' | 'bench', aantal: number): CpuPer {
  const msPer = (m.cpu.wandS * 1000) / Math.max(1, aantal);
  return { nodeMs: m.cpu[partij] * msPer, postgresMs: m.cpu.postgres * msPer };
}
