/**
 * `npx tsx bench/profile-a.ts [seconds] [results-per-delivery]`: runs the built service under
 * `node --cpu-prof` on a fresh embedded PostgreSQL, loads it with deliveries (1 result each by default)
 * at 10 connections (VERBINDINGEN=n for another number), and prints the functions with the most self time. For finding what a delivery costs
 * in node; not part of `npm run bench`.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { aanlevering, resultaat, richIn } from './lib/data.js';
import { startArgumenten } from './lib/proc.js';

const seconden = Number(process.argv[2] ?? 8);
const per = Number(process.argv[3] ?? 1);
const tmp = await mkdtemp(path.join(os.tmpdir(), 'boomk-prof-'));
const server = await startEmbeddedPostgres(path.join(tmp, 'pg'), { info() {}, warn() {} });
try {
  await migrate(server.url);
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  const scholen = await richIn(c, 20, 150);
  await c.end();
  const port = await freePort();
  // PROFILE_CPU=0: no profiler, only the CPU per delivery (the profiler itself costs CPU).
  const profiel = process.env.PROFILE_CPU !== '0';
  const vlaggen = profiel ? ['--cpu-prof', `--cpu-prof-dir=${tmp}/prof`] : [];
  const child = spawn(process.execPath, [...vlaggen, ...startArgumenten(process.cwd())], {
    env: {
      ...process.env,
      DATABASE_URL: server.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATA_DIR: `${tmp}/data`,
      OPERATOR_TOKEN: 'x'.repeat(32),
    },
    stdio: 'inherit',
  });
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpu = async () => {
    const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return [Number(stat[11]) / 100, Number(stat[12]) / 100] as const;
  };
  const [user0, sys0] = await cpu();
  let n = 0;
  const res = await autocannon({
    url: `http://127.0.0.1:${port}/v1/boom/resultaten`,
    connections: Number(process.env.VERBINDINGEN ?? 10),
    duration: seconden,
    requests: [
      {
        setupRequest: (req) => {
          const s = scholen[n % scholen.length]!;
          const k = n++;
          const rs = Array.from({ length: per }, (_, j) =>
            resultaat(s.index, k * per + j, `P-${k}-${j}`, 150),
          );
          return {
            ...req,
            method: 'POST',
            headers: { authorization: `Bearer ${s.sleutel}`, 'content-type': 'application/json' },
            body: aanlevering(`P-${k}`, rs),
          };
        },
      },
    ],
  });
  console.log(
    `${res['2xx']} deliveries 2xx, ${res.non2xx} other, ${(res['2xx'] / res.duration).toFixed(0)}/s`,
  );
  // CPU the kernel accounted to the service during the load: user and system (syscalls, loopback TCP).
  const [user1, sys1] = await cpu();
  const [user, sys] = [user1 - user0, sys1 - sys0];
  console.log(
    `service CPU under load: user ${user.toFixed(2)} s, system ${sys.toFixed(2)} s = ${((1000 * (user + sys)) / res['2xx']).toFixed(2)} ms per delivery`,
  );
  console.log(
    '(the profile below samples wall time on the JS thread: a write that wakes PostgreSQL may be preempted)',
  );
  const klaar = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await klaar;
  if (profiel) {
    const file = (await readdir(`${tmp}/prof`))[0]!;
    // PROFILE_OUT=some/file.cpuprofile keeps the raw profile (for Chrome DevTools or a closer look).
    if (process.env.PROFILE_OUT) await copyFile(`${tmp}/prof/${file}`, process.env.PROFILE_OUT);
    const prof = JSON.parse(await readFile(`${tmp}/prof/${file}`, 'utf8')) as {
      nodes: Array<{
        id: number;
        children?: number[];
        callFrame: { functionName: string; url: string; lineNumber: number };
      }>;
      samples: number[];
      timeDeltas: number[];
    };
    const perNode = new Map<number, number>();
    for (const [i, id] of prof.samples.entries())
      perNode.set(id, (perNode.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
    const perFunctie = new Map<string, number>();
    const perPakket = new Map<string, number>();
    let totaal = 0;
    for (const node of prof.nodes) {
      const t = perNode.get(node.id) ?? 0;
      const f = node.callFrame;
      const naam = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*node_modules\//, '').replace(/.*wt-bench\//, '')}:${f.lineNumber}`;
      perFunctie.set(naam, (perFunctie.get(naam) ?? 0) + t);
      const pakket = f.url.includes('node_modules/')
        ? f.url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
        : f.url.includes('/dist/')
          ? 'service (dist)'
          : f.url === ''
            ? `(${f.functionName})`
            : 'node internals';
      perPakket.set(pakket, (perPakket.get(pakket) ?? 0) + t);
      if (f.functionName !== '(idle)') totaal += t;
    }
    console.log(
      `busy ${(totaal / 1e6).toFixed(2)} s of CPU samples; per delivery ${(totaal / 1e3 / res['2xx']).toFixed(3)} ms`,
    );
    for (const [k, v] of [...perPakket.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14))
      console.log(`  ${(v / 1e3 / res['2xx']).toFixed(3)} ms  ${k}`);
    console.log('top functions (self time per delivery):');
    for (const [k, v] of [...perFunctie.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`  ${(v / 1e3 / res['2xx']).toFixed(3)} ms  ${k}`);
    // Who calls the heaviest native frames: the JS stack above each, by time.
    const ouder = new Map<number, number>();
    for (const node of prof.nodes) for (const k of node.children ?? []) ouder.set(k, node.id);
    const perId = new Map(prof.nodes.map((n) => [n.id, n]));
    const stapels = new Map<string, number>();
    for (const node of prof.nodes) {
      if (!['writev', 'writeBuffer'].includes(node.callFrame.functionName)) continue;
      const keten: string[] = [];
      for (let p = ouder.get(node.id); p !== undefined && keten.length < 9; p = ouder.get(p)) {
        const f = perId.get(p)!.callFrame;
        keten.push(
          `${f.functionName || '?'}@${f.url.replace(/.*node_modules\//, '').replace(/.*\//, '')}:${f.lineNumber}`,
        );
      }
      const k = `${node.callFrame.functionName} <- ${keten.join(' <- ')}`;
      stapels.set(k, (stapels.get(k) ?? 0) + (perNode.get(node.id) ?? 0));
    }
    console.log('callers of the socket writes:');
    for (const [k, v] of [...stapels.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
      console.log(`  ${(v / 1e3 / res['2xx']).toFixed(3)} ms  ${k}`);
    }
  }
} finally {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
}
