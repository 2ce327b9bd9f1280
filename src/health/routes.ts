import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors.js';

const ok = z.object({ status: z.literal('ok') });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health/live', { schema: { tags: ['health'], response: { 200: ok } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        description: '200 wanneer de database antwoordt, anders 503',
        response: { 200: ok },
      },
    },
    async () => {
      try {
        await sql`SELECT 1`.execute(app.db);
      } catch (err) {
        throw new AppError('DATABASE_ONBEREIKBAAR', { headers: { 'retry-after': '5' }, cause: err });
      }
      return { status: 'ok' as const };
    },
  );
};
