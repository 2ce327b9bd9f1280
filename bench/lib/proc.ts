import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux the bench targets). */
const HZ = 100;

function readStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
  } catch {
    // the process is gone
  }
  return out;
}

function kb(v: string | undefined): number {
  return v ? Number.parseInt(v, 10) : 0;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function geheugen(pid: number): { rssMb: number; hwmMb: number } {
  const s = readStatus(pid);
  return { rssMb: kb(s.VmRSS) / 1024, hwmMb: kb(s.VmHWM) / 1024 };
}

/**
 * Resets a process's VmHWM to its current RSS (`/proc/<pid>/clear_refs`, value 5; Linux ≥ 4.0, a process of
 * the same user). Answers whether the kernel took it.
 */
function herzetPiek(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * The RSS of a process: VmRSS sampled every `everyMs`, and per phase VmHWM (the kernel's exact peak), reset
 * at the start of each phase; where the kernel does not allow that reset, the samples alone.
 */
export class RssSampler {
  /** The highest value of the run so far (samples, and VmHWM before each reset). */
  piekMb = 0;
  private fasePiekMb = 0;
  private hwmGereset = false;
  private timer: NodeJS.Timeout;
  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }
  sample(): void {
    const { rssMb } = geheugen(this.pid);
    if (rssMb > this.piekMb) this.piekMb = rssMb;
    if (rssMb > this.fasePiekMb) this.fasePiekMb = rssMb;
  }
  resetFase(): void {
    this.piekMb = Math.max(this.piekMb, geheugen(this.pid).hwmMb);
    this.hwmGereset = herzetPiek(this.pid);
    this.fasePiekMb = 0;
    this.sample();
  }
  /** The highest RSS since resetFase(). */
  fasePiek(): number {
    return Math.max(this.fasePiekMb, this.hwmGereset ? geheugen(this.pid).hwmMb : 0);
  }
  stop(): void {
    clearInterval(this.timer);
    this.sample();
    this.piekMb = Math.max(this.piekMb, geheugen(this.pid).hwmMb);
  }
}

/**
 * utime + stime of one process, in seconds (0 when it is gone); with `kinderen`, plus the CPU of its
 * children that exited and were reaped (cutime + cstime), such as PostgreSQL backends of closed connections.
 */
function cpuSeconden(pid: number, kinderen = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after the closing parenthesis.
    const velden = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const eigen = Number(velden[11]) + Number(velden[12]);
    return (kinderen ? eigen + Number(velden[13]) + Number(velden[14]) : eigen) / HZ;
  } catch {
    return 0;
  }
}

function ouderVan(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** The postmaster and all its children (backends, walwriter, checkpointer, …). */
function postgresProcessen(postmaster: number): number[] {
  const pids = [postmaster];
  for (const naam of readdirSync('/proc')) {
    const pid = Number(naam);
    if (Number.isInteger(pid) && ouderVan(pid) === postmaster) pids.push(pid);
  }
  return pids;
}

export interface CpuStand {
  t: number;
  service: number;
  postgres: number;
  bench: number;
  bare: number;
}

/** CPU seconds used so far by the service, PostgreSQL (all its processes), the bench itself and the bare app. */
export function cpuStand(p: { service?: number; postmaster: number; bare?: number }): CpuStand {
  const pg = postgresProcessen(p.postmaster).reduce(
    (som, pid) => som + cpuSeconden(pid, pid === p.postmaster),
    0,
  );
  const eigen = process.cpuUsage();
  return {
    t: performance.now() / 1000,
    service: p.service ? cpuSeconden(p.service) : 0,
    postgres: pg,
    bench: (eigen.user + eigen.system) / 1e6,
    bare: p.bare ? cpuSeconden(p.bare) : 0,
  };
}

export interface CpuVerdeling {
  wandS: number;
  /** Cores in use on average (CPU seconds / wall seconds), per party. */
  service: number;
  postgres: number;
  bench: number;
  bare: number;
}

export function cpuVerschil(voor: CpuStand, na: CpuStand): CpuVerdeling {
  const wand = na.t - voor.t;
  const per = (k: keyof Omit<CpuStand, 't'>) => (na[k] - voor[k]) / wand;
  return {
    wandS: wand,
    service: per('service'),
    postgres: per('postgres'),
    bench: per('bench'),
    bare: per('bare'),
  };
}

/**
 * The node arguments of `npm start` (package.json), so the bench runs the service exactly as it is started
 * in production (V8 flags included), without npm's own process around it.
 */
export function startArgumenten(root: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  // `exec node …` (npm start replaces its shell with node) is the same node command.
  const woorden = pkg.scripts.start.trim().split(/\s+/);
  const [cmd, ...args] = woorden[0] === 'exec' ? woorden.slice(1) : woorden;
  if (cmd !== 'node') throw new Error(`npm start is not a plain node command: ${pkg.scripts.start}`);
  return args;
}
