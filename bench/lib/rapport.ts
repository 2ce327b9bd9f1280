/**
 * The report: every figure, the ratios and PASS/FAIL per target, as Markdown; printed, written between the
 * markers in bench/RESULTS.md (not by a quick run) and into bench/out/last-run.md, and the raw figures into
 * bench/out/last-run.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Config, ROOT, say } from './config.js';
import type { Doel } from './doelen.js';
import { type CpuPer, FASEN, type FaseMeting } from './meting.js';
import type { Omgeving } from './opzet.js';
import type { CopyUitslag } from './referenties.js';
import type { FaseA } from './scenario-a.js';
import type { FaseB } from './scenario-b.js';
import type { FaseC } from './scenario-c.js';

export interface Uitslag {
  machine: ReturnType<typeof machineVan>;
  config: Config;
  A: FaseA[];
  B: FaseB[];
  C: FaseC;
  copyB: CopyUitslag;
  copyC: CopyUitslag;
  copyTwee: CopyUitslag;
  rss: { piekMb: number; vmHwmMb: number; eindMb: number };
  metingen: Record<string, FaseMeting>;
  /** The verdict (issue 15). */
  doelen: Doel[];
  /** Issue 5's targets, for comparison. */
  eerdereDoelen: Doel[];
  fouten: string[];
}

export function machineVan(omg: Omgeving) {
  return {
    datum: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    geheugenGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    postgres: omg.versie,
    kernel: os.release(),
    instellingen: omg.instellingen,
  };
}

/** Writes and prints the report; answers whether every target is met and every ledger intact. */
export async function rapporteer(uitslag: Uitslag): Promise<boolean> {
  await mkdir(path.join(ROOT, 'bench/out'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/out/last-run.json'), `${JSON.stringify(uitslag, null, 2)}\n`);
  const md = rapport(uitslag);
  await writeFile(path.join(ROOT, 'bench/out/last-run.md'), `${md}\n`);
  if (uitslag.config.quick) say('quick run: bench/RESULTS.md left as it was (see bench/out/last-run.md)');
  else await schrijfResultaten(md);

  process.stdout.write(`\n${md}\n`);
  for (const d of uitslag.eerdereDoelen) say(`was   ${d.doel}: ${d.waarde} (issue 5's target ${d.grens})`);
  for (const d of uitslag.doelen)
    say(
      `${d.ok ? 'PASS' : 'FAIL'}  ${d.doel}: ${d.waarde} (target ${d.grens})${d.cpu ? `; ${cpuTekst(d.cpu)}` : ''}`,
    );
  for (const f of uitslag.fouten) say(`FAIL  ${f}`);
  const alles = uitslag.doelen.every((d) => d.ok) && uitslag.fouten.length === 0;
  say(alles ? 'all targets met, ledgers intact' : 'NOT all targets met (see above)');
  return alles;
}

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

/** Node and PostgreSQL CPU ms per delivery, as `node / PostgreSQL`. */
function cpu(c: CpuPer): string {
  const d = c.nodeMs + c.postgresMs >= 10 ? 1 : 2;
  return `${f(c.nodeMs, d)} / ${f(c.postgresMs, d)}`;
}

function cpuTekst(c: NonNullable<Doel['cpu']>): string {
  return `CPU ms per delivery, node / PostgreSQL: service ${cpu(c.service)}, reference ${cpu(c.referentie)}`;
}

function rapport(u: Uitslag): string {
  const r: string[] = [];
  const m = u.machine;
  r.push(`## Run of ${m.datum.slice(0, 16).replace('T', ' ')} UTC`);
  r.push('');
  r.push(
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.geheugenGb} GB RAM, Linux ${m.kernel}; Node ${m.node}; PostgreSQL ${m.postgres} (embedded, fresh cluster; ` +
      `${m.instellingen.map((s: { name: string; setting: string }) => `${s.name}=${s.setting}`).join(', ')}). ` +
      `Service, bare routes, PostgreSQL and the load client share these cores. Pool: DB_POOL_MAX=${u.config.poolMax}.`,
  );
  r.push('');
  r.push('### Targets');
  r.push('');
  r.push(
    'The service against bare storage of the same rows (R0s, R1s; see README.md). Beside each ratio the CPU time per delivery of the service process and of all PostgreSQL processes over the scenario, and the same for the reference (per R0s request, per R1s aanbieding; node is the bare app, for R1s the bench as COPY client).',
  );
  r.push('');
  r.push(
    '| target | measured | required | | service CPU ms per delivery, node / PostgreSQL | reference, node / PostgreSQL |',
  );
  r.push('| --- | --- | --- | --- | --- | --- |');
  for (const d of u.doelen)
    r.push(
      `| ${d.doel} | ${d.waarde} | ${d.grens} | ${d.ok ? 'PASS' : '**FAIL**'} | ${d.cpu ? cpu(d.cpu.service) : ''} | ${d.cpu ? cpu(d.cpu.referentie) : ''} |`,
    );
  if (u.fouten.length) r.push('', `Failures: ${u.fouten.join('; ')}`);
  r.push('');
  r.push(
    "Issue 5's targets, against R0 (one INSERT) and the raw COPY R1; for comparison, not part of the verdict:",
  );
  r.push('');
  r.push('| target | measured | then required |');
  r.push('| --- | --- | --- |');
  for (const d of u.eerdereDoelen) r.push(`| ${d.doel} | ${d.waarde} | ${d.grens} |`);
  r.push('');
  r.push(`### A: deliveries of 1 result (${u.config.duurA} s each, after ${u.config.opwarmA} s warm-up)`);
  r.push('');
  r.push(
    '| connections | service deliveries/s | p50 ms | p99 ms | R0s req/s | p50 ms | p99 ms | R0 req/s | p50 ms | p99 ms | ledger | R0s rows |',
  );
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const a of u.A) {
    r.push(
      `| ${a.verbindingen} | ${f(a.service.reqS)} | ${a.service.p50} | ${a.service.p99} | ${f(a.rijen.reqS)} | ${a.rijen.p50} | ${a.rijen.p99} | ${f(a.bare.reqS)} | ${a.bare.p50} | ${a.bare.p99} | ${a.ledger.ok ? 'OK' : 'FAIL'} (${f(a.ledger.erin)}) | ${a.rijenCheck.ok ? 'OK' : 'FAIL'} (${f(a.rijenCheck.huidig)}) |`,
    );
  }
  r.push('');
  r.push('CPU ms per delivery (service) or request (R0s, R0), node / PostgreSQL:');
  r.push('');
  r.push('| connections | service | R0s | R0 |');
  r.push('| --- | --- | --- | --- |');
  for (const a of u.A)
    r.push(`| ${a.verbindingen} | ${cpu(a.cpu.service)} | ${cpu(a.cpu.rijen)} | ${cpu(a.cpu.bare)} |`);
  r.push('');
  r.push('### B, C and the COPY references');
  r.push('');
  r.push(
    '| phase | results | wall s | results/s | delivery p50 ms | p99 ms | R1s results/s | ratio | raw COPY (R1) rows/s | ratio | service RSS peak MB | ledger |',
  );
  r.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const b of u.B) {
    r.push(
      `| B: ${u.config.perLeveringB} new per delivery, ${b.verbindingen} connections | ${f(b.resultaten)} | ${f(b.wandS, 2)} | ${f(b.resultatenS)} | ${f(b.p50)} | ${f(b.p99)} | ${f(b.r1s.resultatenS)} | ${f(b.resultatenS / b.r1s.resultatenS, 2)} | ${f(u.copyB.rijenS)} | ${f(b.resultatenS / u.copyB.rijenS, 2)} | ${f(b.rssPiekMb)} | ${b.ledger.ok ? 'OK' : 'FAIL'} |`,
    );
  }
  r.push(
    `| C: ${u.config.perLeveringC} hernormeringen per delivery, ${u.config.verbindingenC} connections | ${f(u.C.revisies)} | ${f(u.C.wandS, 2)} | ${f(u.C.resultatenS)} | ${f(u.C.p50)} | ${f(u.C.p99)} | ${f(u.C.r1s.resultatenS)} | ${f(u.C.resultatenS / u.C.r1s.resultatenS, 2)} | ${f(u.copyC.rijenS)} | ${f(u.C.resultatenS / u.copyC.rijenS, 2)} | ${f(u.metingen.C?.rssPiekMb ?? 0)} | ${u.C.ledger.ok ? 'OK' : 'FAIL'} |`,
  );
  r.push('');
  r.push(
    `For comparison, COPY of C's ${f(u.copyTwee.rijen)} existing results into the service's two tables (toetsresultaten and resultaat_revisies, with their indexes and the change feed's triggers; no claim, no decisions, no body): ${f(u.copyTwee.rijenS)} results/s, ${f(u.copyTwee.rijenS / u.copyB.rijenS, 2)} × the one-table COPY of B.`,
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
    ...u.B.flatMap(
      (b): Array<[string, string, number]> => [
        [`B${b.verbindingen}`, `B${b.verbindingen}`, b.resultaten],
        [`R1s (B${b.verbindingen})`, `R1s (B${b.verbindingen})`, b.r1s.resultaten],
      ],
    ),
    ['C', 'C', u.C.revisies],
    ['R1s (C)', 'R1s (C)', u.C.r1s.resultaten],
    ['COPY (B)', 'COPY (B)', u.copyB.rijen],
    ['COPY into both tables', 'COPY both tables', u.copyTwee.rijen],
  ];
  for (const [label, naam, n] of perResultaat) {
    const me = u.metingen[naam];
    if (!me) continue;
    const referentie = naam.startsWith('COPY') || naam.startsWith('R1s');
    const node = ((referentie ? 0 : me.cpu.service) * me.cpu.wandS * 1e6) / n;
    const postgres = (me.cpu.postgres * me.cpu.wandS * 1e6) / n;
    const max = 2e6 / (node + postgres);
    r.push(
      `| ${label} | ${f(node)} | ${f(postgres)} | ${f(node + postgres)} | ${f(max)} | ${f(max / u.copyB.rijenS, 2)} |`,
    );
  }
  r.push('');
  r.push(
    `C outcomes: ${JSON.stringify(u.C.statussen)} (verwerkt for schools with the setting on, overgeslagen for off); history of revisie 2: ${u.C.historieRevisie2.map((h) => `${h.verwerking} ${h.n}`).join(', ')}; revisie 1 kept: ${u.C.historieRevisie1}.`,
  );
  r.push('');
  r.push(
    `Service RSS: peak ${f(u.rss.piekMb, 1)} MB over the run (VmHWM, reset per phase, and VmRSS every 100 ms), ${f(u.rss.eindMb, 1)} MB at the end.`,
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
  for (const [naam, me] of Object.entries(u.metingen)) {
    const app = naam.includes('bare') ? me.cpu.bare : me.cpu.service;
    const states = Object.entries(me.wacht)
      .slice(0, 5)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    r.push(
      `| ${naam} | ${f(me.cpu.wandS, 1)} | ${f(app, 2)} | ${f(me.cpu.postgres, 2)} | ${f(me.cpu.bench, 2)} | ${f(me.walMb, 1)} | ${f(me.walSyncs)} | ${naam.includes('service') || /^(B\d+|C)$/.test(naam) ? f(me.rssPiekMb) : ''} | ${states} |`,
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
  for (const [naam, m] of Object.entries(u.metingen)) {
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
  for (const [naam, me] of Object.entries(u.metingen)) {
    if (naam.includes('bare') || naam.startsWith('COPY') || naam.startsWith('R1s')) continue;
    r.push(`- ${naam}:`);
    for (const s of me.statements.slice(0, 5)) {
      r.push(
        `  - ${f(s.total_ms)} ms total, ${s.calls} calls, ${f(s.mean_ms, 3)} ms each, WAL ${f(s.wal_mb, 1)} MB, planned ${s.plans}× (${f(s.plan_ms)} ms): \`${s.query.replace(/`/g, "'")}\``,
      );
    }
  }
  return r.join('\n');
}
