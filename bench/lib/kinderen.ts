/** Children: the service and the bare reference, each its own node process on loopback. */
import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './config.js';

/** Set when the bench stops its children on purpose: their exit is then no news. */
let stoppen = false;

export function stoptKinderen(): void {
  stoppen = true;
}

export async function wachtOp(url: string, maxMs: number): Promise<void> {
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

/** Waits until something answers on `url` at all (any status: a 404 means it listens). */
export async function wachtOpLuisteren(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await fetch(url).catch(() => undefined);
    if (r) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

export function start(cmd: string, args: string[], env: Record<string, string>, naam: string): ChildProcess {
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

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const klaar = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([klaar, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}
