import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { lijstAanbiedingen } from './aanbiedingen-repo.js';
import { lijst, limit, pagina, tijdCursor } from './paging.js';
import { beheer, tijdstip } from './schema.js';

const aanbieding = z.object({
  id: z.string(),
  schoolId: z.string(),
  berichtId: z.string().nullable(),
  ontvangenOp: z.string(),
  aantalResultaten: z.number().int(),
  perStatus: z.record(z.string(), z.number()),
  afgewezen: z.object({ status: z.number().int(), code: z.string() }).nullable(),
});

type Rij = Awaited<ReturnType<typeof lijstAanbiedingen>>[number];

function naarAanbieding(r: Rij): z.output<typeof aanbieding> {
  return {
    id: r.id,
    schoolId: r.school_id,
    berichtId: r.bericht_id,
    ontvangenOp: r.ontvangen_op.toISOString(),
    aantalResultaten: r.aantal_resultaten,
    perStatus: r.per_status,
    afgewezen:
      r.afgewezen_status !== null && r.afgewezen_code !== null
        ? { status: r.afgewezen_status, code: r.afgewezen_code }
        : null,
  };
}

export const aanbiedingenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/aanbiedingen',
    {
      schema: {
        ...beheer,
        summary: 'Elke aanbieding van Boom, geaccepteerd of afgewezen, nieuwste eerst',
        description: '`vanaf` telt mee, `tot` niet (op `ontvangenOp`).',
        querystring: z.object({
          schoolId: z.guid().optional(),
          vanaf: tijdstip.optional(),
          tot: tijdstip.optional(),
          limit,
          cursor: tijdCursor,
        }),
        response: { 200: lijst(aanbieding) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const rijen = await lijstAanbiedingen(app.db, filter, limit, cursor);
      return pagina(rijen, limit, naarAanbieding, (r) => [r.sleutel, r.id]);
    },
  );
};
