import fp from 'fastify-plugin';
import type { DbHandle } from '../db/pool.js';
import type { Db } from '../db/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** The pool under `db`, for statements sent pipelined (src/db/transaction.ts). */
    pool: DbHandle['pool'];
    /** `db` with every wait for a connection and an answer bounded by `ms` (RESPONSE_DEADLINE_MS). */
    begrensdeDb: (ms: number) => Db;
  }
}

/** Shares the database handle; the app owns it from here and closes it when the app closes. */
export const dbPlugin = fp<{ handle: DbHandle }>(
  async (app, { handle }) => {
    app.decorate('db', handle.db);
    app.decorate('pool', handle.pool);
    app.decorate('begrensdeDb', (ms: number) => handle.begrensd?.(ms) ?? handle.db);
    app.addHook('onClose', async () => {
      await handle.close();
    });
  },
  { name: 'db', fastify: '5.x' },
);
