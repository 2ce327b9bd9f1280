import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded.js';

const quiet = { info() {}, warn() {} };

/**
 * A throwaway embedded PostgreSQL for a test run, tuned for speed over durability. It has wal_level=logical
 * like every embedded server (src/db/embedded.ts), so test/proof/logische-replicatie.test.ts runs on it.
 */
export async function startEmbeddedTestServer(dataDir: string, port?: number): Promise<EmbeddedDatabase> {
  return startEmbeddedPostgres(
    dataDir,
    quiet,
    [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    port,
  );
}
