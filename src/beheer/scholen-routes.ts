import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { tekst } from '../schema/tekst.js';
import { beheer, schoolParams } from './schema.js';
import { eisUuid, schoolAntwoord, toonSchool } from './scholen.js';
import { maakSchool, wijzigSchool } from './scholen-repo.js';

const brin = z
  .string()
  .regex(/^[0-9A-Z]{4}$/, 'vier cijfers of hoofdletters')
  .describe('De BRIN-code van de school');

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
      const id = await maakSchool(app.db, request.body.naam, request.body.brin ?? null);
      return reply.code(201).send(await toonSchool(app.db, id));
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
    async (request) => toonSchool(app.db, request.params.schoolId),
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
    async (request) => {
      eisUuid(request.params.schoolId);
      if (!(await wijzigSchool(app.db, request.params.schoolId, request.body)))
        throw new AppError('NIET_GEVONDEN', { detail: 'Deze school bestaat niet' });
      return toonSchool(app.db, request.params.schoolId);
    },
  );
};
