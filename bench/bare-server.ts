/**
 * The reference of phase A: a bare fastify route doing one INSERT per request, through kysely with the
 * same pool size as the service (DB_POOL_MAX). No auth, no validation, no transaction: the floor.
 * Started by bench/run.ts as its own process, like the service.
 */
import Fastify from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const pool = new pg.Pool({
  connectionString: url,
  max: Number(process.env.DB_POOL_MAX ?? 10),
  application_name: 'bench-bare',
});
pool.on('error', () => {});
const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });

const app = Fastify({ logger: false });
app.post('/bare', async (request) => {
  const body = request.body as { berichtId: string; resultaten: unknown[] };
  await sql`INSERT INTO bench_bare (bericht_id, resultaat)
            VALUES (${body.berichtId}, ${JSON.stringify(body.resultaten[0])}::jsonb)`.execute(db);
  return { berichtId: body.berichtId, status: 'ok' };
});

process.on('SIGTERM', () => {
  void app.close().then(() => db.destroy().then(() => process.exit(0)));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write('ready\n');
