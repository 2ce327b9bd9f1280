import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { withDeadline } from '../db/pool.js';
import { AppError } from '../errors.js';

const ok = z.object({ status: z.literal('ok') });

export interface HealthOptions {
  /** RESPONSE_DEADLINE_MS: no delivery may wait for its answer longer than this. */
  antwoordtijdMs: number;
  /** How long (ms) the oldest delivery in the ingest has waited for its answer (src/boom/ingest.ts). */
  oudsteAanbieding: () => number;
}

/** The database check answers in this time, or readiness is 503: an orchestrator's probe waits no longer. */
const CONTROLE_MS = 2_000;

export const healthRoutes: FastifyPluginAsyncZod<HealthOptions> = async (app, opts) => {
  const controleMs = Math.min(CONTROLE_MS, opts.antwoordtijdMs);
  const nietKlaar = (cause: unknown) =>
    new AppError('DATABASE_ONBEREIKBAAR', { headers: { 'retry-after': '5' }, cause });

  app.get('/health/live', { schema: { tags: ['health'], response: { 200: ok } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        description:
          '200 wanneer de database op tijd antwoordt en geen aanbieding langer dan RESPONSE_DEADLINE_MS op haar antwoord wacht, anders 503',
        response: { 200: ok },
      },
    },
    async () => {
      // Deliveries are answered by their deadline, or fail: one that has waited longer means the ingest is
      // wedged (a batch that never returns), which only a restart clears.
      const oudste = opts.oudsteAanbieding();
      if (oudste > opts.antwoordtijdMs) {
        throw nietKlaar(new Error(`the oldest delivery has waited ${Math.round(oudste)} ms`));
      }
      try {
        await sql`SELECT 1`.execute(withDeadline(app.db, { at: performance.now() + controleMs, margin: 0 }));
      } catch (err) {
        throw nietKlaar(err);
      }
      return { status: 'ok' as const };
    },
  );
};
