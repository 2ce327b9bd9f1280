import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tekst } from '../schema/tekst.js';
import { leesSchooltoetsen, lijstLeerlingen, lijstScholen } from './lijsten-repo.js';
import { cursor, lijst, limiet, pagina } from './paging.js';
import { beheer, isUuid, schoolParams } from './schema.js';
import { eisSchool, schoolAntwoord, toonSchool } from './scholen.js';

const zoek = tekst(1, 100).optional().describe('Een deel van de tekst, hoofdletters tellen niet');

const leerling = z.object({
  leerlingId: z.string(),
  boomLeerlingnummer: z.string().nullable(),
  fase: z.string().nullable(),
  toetsdoel: z.string().nullable(),
});

/** The lists the BOOM TESTCENTRUM screen pages through: schools, a school's pupils, its schooltoetsen. */
export const lijstenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/scholen',
    {
      schema: {
        ...beheer,
        summary: 'De scholen, op naam',
        description:
          '`zoek` vindt een deel van de naam of de BRIN-code. Elk item is zoals `GET /scholen/{id}`.',
        querystring: z.object({
          zoek,
          limit: limiet,
          cursor: cursor(2, ([, id]) => isUuid(id!)),
        }),
        response: { 200: lijst(schoolAntwoord) },
      },
    },
    async (request) => {
      const { limit, cursor: na, zoek } = request.query;
      const rijen = await lijstScholen(app.db, zoek, limit, na);
      const { items, volgende } = pagina(
        rijen,
        limit,
        (r) => r.id,
        (r) => [r.naam, r.id],
      );
      // Each school as GET /scholen/{id} shows it, so the two never drift apart; a page is small.
      return { items: await Promise.all(items.map((id) => toonSchool(app.db, id))), volgende };
    },
  );

  app.get(
    '/scholen/:schoolId/leerlingen',
    {
      schema: {
        ...beheer,
        summary: 'De leerlingen van de school met hun Boom-leerlingnummer (Stap 3), op leerlingId',
        description: '`zoek` vindt een deel van de leerlingId of het Boom-leerlingnummer.',
        params: schoolParams,
        querystring: z.object({ zoek, limit: limiet, cursor: cursor(1) }),
        response: { 200: lijst(leerling) },
      },
    },
    async (request) => {
      const { limit, cursor: na, zoek } = request.query;
      await eisSchool(app.db, request.params.schoolId);
      const rijen = await lijstLeerlingen(app.db, request.params.schoolId, zoek, limit, na?.[0]);
      return pagina(
        rijen,
        limit,
        (r) => ({
          leerlingId: r.leerling_id,
          boomLeerlingnummer: r.boom_leerlingnummer,
          fase: r.fase,
          toetsdoel: r.toetsdoel,
        }),
        (r) => [r.leerling_id],
      );
    },
  );

  app.get(
    '/scholen/:schoolId/schooltoetsen',
    {
      schema: {
        ...beheer,
        summary: 'Stap 4: de geactiveerde Boom-toetsen van de school, op code',
        params: schoolParams,
        response: { 200: z.object({ toetsen: z.array(z.string()) }) },
      },
    },
    async (request) => {
      await eisSchool(app.db, request.params.schoolId);
      return { toetsen: await leesSchooltoetsen(app.db, request.params.schoolId) };
    },
  );
};
