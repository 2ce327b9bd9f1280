import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { code32, tekst } from '../schema/tekst.js';
import { toonToets, zetSchoolToetsen, zetToets } from './catalogus.js';
import { leesSchooltoetsen, lijstToetsen } from './catalogus-repo.js';
import { eisSchool } from './niet-gevonden.js';
import { cursor, lijst, limit, pagina } from './paging.js';
import { beheer, schoolParams } from './schema.js';

const onderdeel = z.object({ code: tekst(1, 64), naam: tekst(1, 200) });
const toets = z.object({
  code: z.string(),
  naam: z.string(),
  vak: z.string(),
  onderdelen: z.array(onderdeel),
});
const toetsGeheeld = toets.extend({
  geheeld: z.number().int().describe('Hoeveel open foutmeldingen deze wijziging heeft opgelost'),
});
const codeParams = z.object({ code: tekst(1, 64) });
const schooltoetsen = z.object({ toetsen: z.array(z.string()) });

const toetsBody = z
  .object({ naam: tekst(1, 200), vak: code32, onderdelen: z.array(onderdeel).max(500) })
  .superRefine((b, ctx) => {
    const gezien = new Set<string>();
    b.onderdelen.forEach((o, i) => {
      if (gezien.has(o.code))
        ctx.addIssue({
          code: 'custom',
          path: ['onderdelen', i, 'code'],
          message: 'deze code staat er al eerder in',
        });
      gezien.add(o.code);
    });
  });

export const catalogusRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/toetsen',
    {
      schema: {
        ...beheer,
        summary: 'De Boom-toetscatalogus, op code',
        querystring: z.object({ limit, cursor: cursor(1) }),
        response: { 200: lijst(toets) },
      },
    },
    async (request) => {
      const { limit, cursor: na } = request.query;
      const rijen = await lijstToetsen(app.db, limit, na?.[0]);
      return pagina(
        rijen,
        limit,
        (r) => r,
        (r) => [r.code],
      );
    },
  );

  app.get(
    '/toetsen/:code',
    {
      schema: {
        ...beheer,
        summary: 'Eén toets uit de catalogus',
        params: codeParams,
        response: { 200: toets },
      },
    },
    async (request) => toonToets(app.db, request.params.code),
  );

  app.put(
    '/toetsen/:code',
    {
      schema: {
        ...beheer,
        summary: 'Een toets aanmaken (201) of vervangen (200)',
        description:
          'De onderdelen worden vervangen door deze lijst. Open foutmeldingen TOETS_NIET_GEVONDEN van deze code ' +
          'en TOETSONDERDEEL_NIET_GEVONDEN van een onderdeel dat nu bestaat (bij elke school) worden in ' +
          'dezelfde transactie opnieuw verwerkt (`geheeld`).',
        params: codeParams,
        body: toetsBody,
        response: { 200: toetsGeheeld, 201: toetsGeheeld },
      },
    },
    async (request, reply) => {
      const { nieuw, toets, geheeld } = await zetToets(app.db, {
        code: request.params.code,
        ...request.body,
      });
      return reply.code(nieuw ? 201 : 200).send({ ...toets, geheeld });
    },
  );

  app.put(
    '/scholen/:schoolId/schooltoetsen',
    {
      schema: {
        ...beheer,
        summary: 'Stap 4: de geactiveerde Boom-toetsen van de school vervangen',
        description:
          'Vervangt de hele set; een code die niet in de catalogus staat is een 422 die `toetsen[i]` noemt. ' +
          'Dubbele codes tellen één keer. Het antwoord is de set daarna, op code.',
        params: schoolParams,
        body: z.object({ toetsen: z.array(tekst(1, 64)).max(1000) }),
        response: { 200: schooltoetsen },
      },
    },
    async (request) => ({
      toetsen: await zetSchoolToetsen(app.db, request.params.schoolId, request.body.toetsen),
    }),
  );

  app.get(
    '/scholen/:schoolId/schooltoetsen',
    {
      schema: {
        ...beheer,
        summary: 'Stap 4: de geactiveerde Boom-toetsen van de school, op code',
        params: schoolParams,
        response: { 200: schooltoetsen },
      },
    },
    async (request) => {
      await eisSchool(app.db, request.params.schoolId);
      return { toetsen: await leesSchooltoetsen(app.db, request.params.schoolId) };
    },
  );
};
