/** The bench's sizes and knobs (environment variables, see bench/README.md), and its one way of talking. */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `--quick` (or BENCH_QUICK=1): small sizes, for checking that the bench runs end to end (about half a
 * minute); its figures say nothing, so it does not write bench/RESULTS.md. The variables below still apply.
 */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

function getal(naam: string, standaard: number, quick = standaard): number {
  const v = process.env[naam];
  if (v === undefined || v === '') return QUICK ? quick : standaard;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${naam} must be a positive number`);
  return n;
}

function getallen(naam: string, standaard: string): number[] {
  const lijst = (process.env[naam] || standaard).split(',').map(Number);
  if (lijst.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`${naam} must list positive integers`);
  return lijst;
}

export const CFG = {
  quick: QUICK,
  scholen: getal('BENCH_SCHOLEN', 200, 20),
  leerlingen: getal('BENCH_LEERLINGEN', 30_000, 2_000),
  duurA: getal('BENCH_DUUR_A', 10, 3),
  opwarmA: getal('BENCH_OPWARM_A', 2, 1),
  rondesA: getal('BENCH_RONDES_A', 3),
  verbindingenA: getallen('BENCH_VERBINDINGEN_A', '10,50'),
  resultatenB: getal('BENCH_RESULTATEN_B', 100_000, 5_000),
  perLeveringB: getal('BENCH_PER_LEVERING_B', 500),
  verbindingenB: getallen('BENCH_VERBINDINGEN_B', '4,10'),
  revisiesC: getal('BENCH_REVISIES_C', 100_000, 5_000),
  perLeveringC: getal('BENCH_PER_LEVERING_C', 500),
  // BENCH_VERBINDINGEN_BC: its name from when B and C shared it.
  verbindingenC: getal('BENCH_VERBINDINGEN_C', getal('BENCH_VERBINDINGEN_BC', 4)),
  poolMax: getal('DB_POOL_MAX', 10),
  maxMinuten: getal('BENCH_MAX_MINUTEN', 15),
};
export type Config = typeof CFG;

/** The embedded server's logger: quiet, warnings to stderr. */
export const log = {
  info: () => {},
  warn: (o: object, m: string) => console.error(m, o),
};

export function say(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
