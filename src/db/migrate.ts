import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

// An arbitrary constant: only one migrator at a time per database, whichever process runs it.
const MIGRATION_LOCK = 42_061_977;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies the numbered SQL files in migrations/ that have not run yet, each in its own transaction.
 * A file that was changed after it ran is refused: migrations are frozen once landed.
 */
export async function migrate(connectionString: string, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migraties (
      naam text PRIMARY KEY, sha256 text NOT NULL, uitgevoerd_op timestamptz NOT NULL DEFAULT now())`);
    const done = new Map(
      (
        await client.query<{ naam: string; sha256: string }>('SELECT naam, sha256 FROM schema_migraties')
      ).rows.map((r) => [r.naam, r.sha256]),
    );
    const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_-]+\.sql$/.test(f)).sort();
    const applied: string[] = [];
    for (const file of files) {
      const sql = await readFile(path.join(dir, file), 'utf8');
      const sha256 = createHash('sha256').update(sql).digest('hex');
      const earlier = done.get(file);
      if (earlier !== undefined) {
        if (earlier !== sha256)
          throw new Error(`Migration ${file} was changed after it ran; add a new migration instead`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migraties (naam, sha256) VALUES ($1, $2)', [file, sha256]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
