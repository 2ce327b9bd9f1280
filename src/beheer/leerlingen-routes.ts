import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { code32, sleutelTekst, tekst } from '../schema/tekst.js';
import { zetBoomNummers, zetLeerling } from './leerlingen.js';
import { type LeerlingRij, lijstLeerlingen } from './leerlingen-repo.js';
import { eisSchool } from './niet-gevonden.js';
import { cursor, lijst, limit, pagina } from './paging.js';
import { beheer, schoolParams, zoek } from './schema.js';

const leerling = z.object({
  leerlingId: z.string(),
  boomLeerlingnummer: z.string().nullable(),
  fase: z.string().nullable(),
  toetsdoel: z.string().nullable(),
});

const leerlingGeheeld = leerling.extend({
  geheeld: z.number().int().describe('Hoeveel open foutmeldingen deze wijziging heeft opgelost'),
});

function naarLeerling(r: Omit<LeerlingRij, 'nieuw'>): z.output<typeof leerling> {
  return {
    leerlingId: r.leerling_id,
    boomLeerlingnummer: r.boom_leerlingnummer,
    fase: r.fase,
    toetsdoel: r.toetsdoel,
  };
}

export const leerlingenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/scholen/:schoolId/leerlingen/:leerlingId',
    {
      config: { fouten: ['BOOM_NUMMER_IN_GEBRUIK'] },
      schema: {
        ...beheer,
        summary: 'Stap 3 per leerling: een leerling aanmaken (201) of wijzigen (200)',
        description:
          'Een weggelaten veld blijft zoals het was, `null` maakt het leeg. Een Boom-leerlingnummer dat een ' +
          'andere leerling van de school heeft is een 409. Open foutmeldingen die het nummer of toetsdoel ' +
          'oplost worden in dezelfde transactie opnieuw verwerkt (`geheeld`).',
        params: schoolParams.extend({ leerlingId: sleutelTekst(64) }),
        body: z.object({
          boomLeerlingnummer: tekst(1, 64).nullable().optional(),
          fase: code32.nullable().optional(),
          toetsdoel: code32.nullable().optional(),
        }),
        response: { 200: leerlingGeheeld, 201: leerlingGeheeld },
      },
    },
    async (request, reply) => {
      const { schoolId, leerlingId } = request.params;
      const { rij, geheeld } = await zetLeerling(app.db, schoolId, leerlingId, request.body);
      return reply.code(rij.nieuw ? 201 : 200).send({ ...naarLeerling(rij), geheeld });
    },
  );

  app.put(
    '/scholen/:schoolId/boom-nummers',
    {
      schema: {
        ...beheer,
        summary: 'Stap 3 in bulk: Boom-leerlingnummers van bestaande leerlingen',
        description:
          'Tot 5000 regels, alles of niets, beoordeeld op de stand na de hele aanvraag (twee leerlingen mogen ' +
          'van nummer ruilen). Een 422 noemt elke foute regel: `items[i].leerlingId` (onbekend, of dubbel in ' +
          'de aanvraag) of `items[i].boomLeerlingnummer` (een nummer dat twee leerlingen zouden delen). ' +
          '`bijgewerkt` telt de leerlingen waarvan het nummer echt veranderde.',
        params: schoolParams,
        body: z.object({
          items: z
            .array(z.object({ leerlingId: sleutelTekst(64), boomLeerlingnummer: tekst(1, 64) }))
            .min(1)
            .max(5000),
        }),
        response: { 200: z.object({ bijgewerkt: z.number().int(), geheeld: z.number().int() }) },
      },
    },
    async (request) => zetBoomNummers(app.db, request.params.schoolId, request.body.items),
  );

  app.get(
    '/scholen/:schoolId/leerlingen',
    {
      schema: {
        ...beheer,
        summary: 'De leerlingen van de school met hun Boom-leerlingnummer (Stap 3), op leerlingId',
        description: '`zoek` vindt een deel van de leerlingId of het Boom-leerlingnummer.',
        params: schoolParams,
        querystring: z.object({ zoek, limit, cursor: cursor(1) }),
        response: { 200: lijst(leerling) },
      },
    },
    async (request) => {
      const { schoolId } = request.params;
      const q = request.query;
      await eisSchool(app.db, schoolId);
      const rijen = await lijstLeerlingen(app.db, schoolId, q.zoek, q.limit, q.cursor?.[0]);
      return pagina(rijen, q.limit, naarLeerling, (r) => [r.leerling_id]);
    },
  );
};
