import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tekst } from '../schema/tekst.js';
import { cursor, lijst, limit } from './paging.js';
import { beheer, iso, isUuid, koppelingAntwoord, naarKoppeling, schoolParams, zoek } from './schema.js';
import { nieuweSchool, pagineerScholen, toonSchool, wijzig } from './scholen.js';
import type { SchoolRij } from './scholen-repo.js';

const brin = z
  .string()
  .regex(/^[0-9A-Z]{4}$/, 'vier cijfers of hoofdletters')
  .describe('De BRIN-code van de school');

const schoolAntwoord = z.object({
  id: z.string(),
  naam: z.string(),
  brin: z.string().nullable(),
  boomWijzigingenVerwerken: z.boolean(),
  koppeling: koppelingAntwoord,
  laatsteAanbiedingOp: z.string().nullable(),
  openFouten: z.number().int(),
});

function naarSchool(r: SchoolRij): z.output<typeof schoolAntwoord> {
  return {
    id: r.id,
    naam: r.naam,
    brin: r.brin,
    boomWijzigingenVerwerken: r.boom_wijzigingen_verwerken,
    koppeling: naarKoppeling(r),
    laatsteAanbiedingOp: iso(r.laatste_aanbieding_op),
    openFouten: r.open_fouten,
  };
}

export const scholenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/scholen',
    {
      schema: {
        ...beheer,
        summary: 'Een school aanmaken',
        description: '`boomWijzigingenVerwerken` begint aan; de school heeft nog geen koppeling.',
        body: z.object({ naam: tekst(1, 200), brin: brin.nullish() }),
        response: { 201: schoolAntwoord },
      },
    },
    async (request, reply) => {
      const school = await nieuweSchool(app.db, request.body.naam, request.body.brin ?? null);
      return reply.code(201).send(naarSchool(school));
    },
  );

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
          limit,
          cursor: cursor(2, ([, id]) => isUuid(id!)),
        }),
        response: { 200: lijst(schoolAntwoord) },
      },
    },
    async (request) => {
      const q = request.query;
      const { items, volgende } = await pagineerScholen(app.db, q.zoek, q.limit, q.cursor);
      return { items: items.map(naarSchool), volgende };
    },
  );

  app.get(
    '/scholen/:schoolId',
    {
      schema: {
        ...beheer,
        summary: 'Een school, met de stand van haar koppeling',
        description:
          '`koppeling.status` is die van de nieuwste sleutel (`geen` zonder sleutel). `laatsteAanbiedingOp` ' +
          'telt ook afgewezen aanbiedingen; `openFouten` telt de open foutmeldingen.',
        params: schoolParams,
        response: { 200: schoolAntwoord },
      },
    },
    async (request) => naarSchool(await toonSchool(app.db, request.params.schoolId)),
  );

  app.patch(
    '/scholen/:schoolId',
    {
      schema: {
        ...beheer,
        summary: 'Naam of BOOM WIJZIGINGEN VERWERKEN (Stap 5) wijzigen',
        description: 'Een weggelaten veld blijft zoals het was.',
        params: schoolParams,
        body: z.object({ naam: tekst(1, 200).optional(), boomWijzigingenVerwerken: z.boolean().optional() }),
        response: { 200: schoolAntwoord },
      },
    },
    async (request) => naarSchool(await wijzig(app.db, request.params.schoolId, request.body)),
  );
};
