/** The bench's sizes and knobs (environment variables, see bench/README.md), and its one way of talking. */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function getal(naam: string, standaard: number): number {
  const v = process.env[naam];
  if (v === undefined || v === '') return standaard;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${naam} must be a positive number`);
  return n;
}

export const CFG = {
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
export type Config = typeof CFG;

/** The embedded server's logger: quiet, warnings to stderr. */
export const log = {
  info: () => {},
  warn: (o: object, m: string) => console.error(m, o),
};

export function say(msg: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
