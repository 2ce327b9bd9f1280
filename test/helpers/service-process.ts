import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { freePort } from '../../src/db/embedded.js';
import { binnen, wacht } from './restartable-postgres.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The real service (`node --import tsx src/server.ts`) as a child process on a fixed loopback port, so it can
 * be killed and started again on the same address. Killed with SIGKILL when the test ends, however it ends.
 */
export interface Dienst {
  baseUrl: string;
  start(): Promise<void>;
  /** SIGKILL: no shutdown hook runs, transactions in flight die with their connections. */
  kill(): Promise<void>;
  log(): string;
}

export async function startDienst(t: Test, env: Record<string, string>): Promise<Dienst> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let tail = '';
  const opruimen = () => child?.kill('SIGKILL');
  process.once('exit', opruimen);
  t.teardown(async () => {
    process.off('exit', opruimen);
    await dienst.kill();
  });

  const dienst: Dienst = {
    baseUrl,
    async start() {
      const c = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString('utf8')).slice(-4000);
      };
      c.stdout?.on('data', keep);
      c.stderr?.on('data', keep);
      // Ready when /health/ready answers 200: bounded in time and in tries. tsx compiles src/ at start, which
      // takes over 20 s on a busy two-core machine; a service that never gets ready still fails within 60 s.
      const deadline = Date.now() + 60_000;
      for (let i = 0; i < 1200 && Date.now() < deadline; i++) {
        if (c.exitCode !== null) throw new Error(`the service exited (${c.exitCode}):\n${tail}`);
        try {
          const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(1_000) });
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        await wacht(50);
      }
      throw new Error(`the service was not ready within 60 s:\n${tail}`);
    },
    async kill() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await binnen(10_000, 'service exit after SIGKILL', exited);
    },
    log: () => tail,
  };
  return dienst;
}
