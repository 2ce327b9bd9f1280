/**
 * The references of scenario A, bare routes with the pool size of the service (DB_POOL_MAX), no auth, no
 * validation, no transaction. Started by bench/run.ts as its own process, like the service.
 * - `POST /bare` (R0): one INSERT of the result through kysely into a table of two columns: the floor.
 * - `POST /rijen` (R0s): the three rows a delivery of one result must leave behind — its aanbieding (with
 *   body and answer), the current result and its history row — in one statement (one round trip) into
 *   bare copies of the service's tables (same columns, checks and indexes; no foreign keys, no triggers).
 *   The school comes from the `x-school-id` header (no key lookup); the pupil is stored by its Boom number
 *   (no pupil lookup).
 */
import { createHash, randomUUID } from 'node:crypto';
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

const RIJEN = `WITH a AS (
  INSERT INTO bench_aanbiedingen (id, school_id, bericht_id, ontvangen_op, inhoud_hash, aantal_resultaten, per_status,
                                  bericht, antwoord)
  VALUES ($1, $2, $3, $4, $5, 1, '{"verwerkt": 1}', $6, $7)
), t AS (
  INSERT INTO bench_toetsresultaten (school_id, resultaat_key, leerling_id, revisie, reden, toets_code, toets_versie,
                                     toetsonderdeel_code, afnamedatum, dle, ingetrokken, resultaat, inhoud_hash, aanbieding_id)
  VALUES ($2, $8, $9, $10, $11, $12, $13, $14, $15, $16, $11 = 'intrekking', $17, $18, $1)
)
INSERT INTO bench_resultaat_revisies (school_id, resultaat_key, revisie, reden, verwerking, leerling_id, resultaat,
                                      inhoud_hash, aanbieding_id)
VALUES ($2, $8, $10, $11, 'toegepast', $9, $17, $18, $1)`;

interface Resultaat {
  resultaatKey: string;
  revisie: number;
  reden: string;
  boomLeerlingnummer: string;
  toets: { code: string; versie?: string };
  toetsonderdeel?: { code: string } | null;
  afnamedatum: string;
  referentiescores?: Array<{ code: string; waarde: string }>;
}

const sha256 = (tekst: string) => createHash('sha256').update(tekst).digest();

// Its own context: the body arrives as text, stored as it came (PostgreSQL parses the jsonb) and parsed once.
await app.register(async (rijen) => {
  rijen.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  rijen.post('/rijen', async (request, reply) => {
    const tekst = request.body as string;
    const body = JSON.parse(tekst) as { berichtId: string; resultaten: Resultaat[] };
    const r = body.resultaten[0]!;
    const resultaat = JSON.stringify(r);
    const ontvangenOp = new Date().toISOString();
    const antwoord = JSON.stringify({
      berichtId: body.berichtId,
      ontvangenOp,
      resultaten: [{ resultaatKey: r.resultaatKey, revisie: r.revisie, status: 'verwerkt' }],
    });
    await pool.query(RIJEN, [
      randomUUID(),
      request.headers['x-school-id'],
      body.berichtId,
      ontvangenOp,
      sha256(tekst),
      tekst,
      antwoord,
      r.resultaatKey,
      r.boomLeerlingnummer,
      r.revisie,
      r.reden,
      r.toets.code,
      r.toets.versie ?? null,
      r.toetsonderdeel?.code ?? null,
      r.afnamedatum,
      r.referentiescores?.find((s) => s.code === 'DLE')?.waarde ?? null,
      resultaat,
      sha256(resultaat),
    ]);
    return reply.type('application/json').send(antwoord);
  });
});

process.on('SIGTERM', () => {
  void app.close().then(() => db.destroy().then(() => process.exit(0)));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write('ready\n');
