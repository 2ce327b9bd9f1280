import fp from 'fastify-plugin';
import type { DbHandle } from '../db/pool.js';
import type { Db } from '../db/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Shares the database handle; the app owns it from here and closes it when the app closes. */
export const dbPlugin = fp<{ handle: DbHandle }>(
  async (app, { handle }) => {
    app.decorate('db', handle.db);
    app.addHook('onClose', async () => {
      await handle.close();
    });
  },
  { name: 'db', fastify: '5.x' },
);
