import { createServer } from 'node:net';
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { resolveOperatorToken } from './beheer/operator-token.js';
import { redisCounter } from './boom/mislukte-sleutels.js';
import { deprecationNotes, loadConfigOrExit } from './config.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createDb } from './db/pool.js';
import { createLogger } from './logger.js';
import { verwijderOudeBerichten } from './retentie.js';
import { planGrens } from './wijzigingen/grens.js';
import { verwijderOudeWijzigingen } from './wijzigingen/retentie.js';

/** The only place that listens: config, database (given or embedded), migrations, app, graceful shutdown. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config);
  // Variables still set under their old (Dutch) names: their names, never their values.
  for (const note of deprecationNotes()) log.warn(note);
  let embedded: EmbeddedDatabase | undefined;
  let app: FastifyInstance | undefined;
  let retentie: NodeJS.Timeout | undefined;
  let stopGrens = () => {};

  const stopEmbedded = async () => {
    const server = embedded;
    embedded = undefined;
    await server?.stop().catch((err) => log.warn({ err }, 'embedded PostgreSQL did not stop cleanly'));
  };

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'fatal error, shutting down');
    else log.info({ signal }, 'shutting down: finishing requests in flight');
    // Stop accepting, let requests in flight finish, close the pool (onClose), then the embedded server.
    clearInterval(retentie);
    stopGrens();
    if (app) await app.close();
    await stopEmbedded();
  });

  try {
    // Before anything is built: a port in use (a second instance) fails now, not after a database cluster.
    await poortVrij(config.HOST, config.PORT);
    let databaseUrl = config.DATABASE_URL;
    if (databaseUrl === undefined) {
      // Loaded only when needed: a deployment with DATABASE_URL never touches the embedded binaries.
      const { startEmbeddedPostgres } = await import('./db/embedded.js');
      embedded = await startEmbeddedPostgres(path.join(config.DATA_DIR, 'pg'), log);
      databaseUrl = embedded.url;
    }
    const { applied } = await migrate(databaseUrl);
    log.info({ applied }, 'migrations up to date');
    const operatorToken = await resolveOperatorToken(config, log);
    const db = createDb(databaseUrl, { max: config.DB_POOL_MAX, log });
    const limiet = {
      maxFouten: config.FAILED_KEYS_MAX,
      vensterSeconden: config.FAILED_KEYS_WINDOW_SECONDS,
    };
    const mislukteSleutels = config.REDIS_URL ? redisCounter(config.REDIS_URL, limiet) : undefined;
    app = await buildApp({ config, db, logger: log, operatorToken, mislukteSleutels });
    // Fastify logs this line once per address it listens on: the one line a person waits for.
    await app.listen({
      host: config.HOST,
      port: config.PORT,
      listenTextResolver: (adres) =>
        `ready on ${toonbaar(adres)}: API reference at ${toonbaar(adres)}/docs, operator token ${waarIsHetToken(config)}`,
    });
    retentie = planRetentie(app, config.DELIVERY_BODY_RETENTION_DAYS);
    wijzigingenRetentie(app, config.CHANGE_FEED_RETENTION_DAYS);
    stopGrens = planGrens(app.db, app.log);
  } catch (err) {
    // The reason in the message itself: one readable line on a terminal and in a log collector alike.
    log.fatal(`could not start: ${(err as Error).message}`);
    if (app) await app.close().catch(() => {});
    await stopEmbedded();
    process.exit(1);
  }
}

/** Where the operator token is kept, for the ready line (never the token itself). */
function waarIsHetToken(config: { OPERATOR_TOKEN?: string | undefined; DATA_DIR: string }): string {
  return config.OPERATOR_TOKEN
    ? 'from OPERATOR_TOKEN'
    : `in ${path.resolve(config.DATA_DIR, 'operator-token')}`;
}

/** http://0.0.0.0:3000 is where it listens; http://localhost:3000 is what a person can open. */
function toonbaar(adres: string): string {
  return adres.replace('://0.0.0.0:', '://localhost:').replace('://[::]:', '://localhost:');
}

/** Fails with a plain message when HOST:PORT is taken, before the embedded database is started. */
async function poortVrij(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const proef = createServer();
    proef.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is in use (another instance?); set PORT to a free port`)
          : err,
      ),
    );
    proef.listen({ host, port, exclusive: true }, () => proef.close(() => resolve()));
  });
}

/**
 * Delivery bodies are removed after the retention period by this process too (daily, and at start), so
 * the zero-config start needs no cron; `npm run retentie` does the same from outside. Running it on
 * several instances at once is harmless.
 */
function planRetentie(app: FastifyInstance, dagen: number): NodeJS.Timeout {
  const run = () =>
    verwijderOudeBerichten(app.db, dagen)
      .then((verwijderd) => app.log.info({ verwijderd, dagen }, 'retention: old delivery bodies removed'))
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'retention run failed'));
  void run();
  const timer = setInterval(run, 24 * 60 * 60 * 1000);
  timer.unref();
  return timer;
}

/** The feed's part of the retention run (src/wijzigingen/retentie.ts), at start and daily like the bodies'. */
function wijzigingenRetentie(app: FastifyInstance, dagen: number): void {
  const run = () =>
    verwijderOudeWijzigingen(app.db, dagen)
      .then((verwijderd) => app.log.info({ verwijderd, dagen }, 'retention: old feed rows removed'))
      .catch((err) => app.log.warn({ err: { message: (err as Error).message } }, 'feed retention failed'));
  void run();
  setInterval(run, 24 * 60 * 60 * 1000).unref();
}

await main();
