import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { trekKoppelingIn, vraagSleutelAan, zetOndertekening } from './koppeling.js';
import { beheer, koppelingAntwoord, naarKoppeling, schoolParams } from './schema.js';

export const koppelingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/scholen/:schoolId/koppeling',
    {
      schema: {
        ...beheer,
        summary: 'Stap 1: een autorisatiesleutel uitgeven',
        description:
          'De sleutel staat alleen in dit antwoord en is daarna nergens meer te lezen (alleen een hash wordt ' +
          'bewaard). Eerdere, niet ingetrokken sleutels blijven nog 24 uur geldig en verlopen dan.',
        params: schoolParams,
        response: {
          201: z.object({
            sleutelId: z.string(),
            autorisatiesleutel: z.string(),
            status: z.literal('aangevraagd'),
          }),
        },
      },
    },
    async (request, reply) => {
      const antwoord = await vraagSleutelAan(app.db, request.params.schoolId);
      return reply.code(201).header('cache-control', 'no-store').send(antwoord);
    },
  );

  app.delete(
    '/scholen/:schoolId/koppeling',
    {
      schema: {
        ...beheer,
        summary: 'Alle sleutels van de school intrekken',
        description:
          'Trekt elke sleutel van de school tegelijk in en antwoordt 200 met de stand van de koppeling daarna ' +
          '(`ingetrokken`, of `geen` als de school nooit een sleutel had). Nog eens intrekken is onschadelijk. ' +
          'Ondertekening blijft aan, als die aan stond: ook de sleutels die hierna worden uitgegeven moeten tekenen.',
        params: schoolParams,
        response: { 200: koppelingAntwoord.extend({ ingetrokken: z.number().int() }) },
      },
    },
    async (request) => {
      const { ingetrokken, school } = await trekKoppelingIn(app.db, request.params.schoolId);
      return { ...naarKoppeling(school), ingetrokken };
    },
  );

  app.post(
    '/scholen/:schoolId/koppeling/ondertekening',
    {
      schema: {
        ...beheer,
        summary: 'Ondertekening (Standard Webhooks) aanzetten of het geheim vervangen',
        description:
          'Maakt een nieuw ondertekengeheim (whsec_…), alleen in dit antwoord te zien. Daarna moet elk verzoek ' +
          'met een sleutel van deze school geldige webhook-id, webhook-timestamp (±5 minuten) en ' +
          'webhook-signature dragen; anders 401 HANDTEKENING_ONGELDIG. Een vorig geheim blijft nog 24 uur geldig, ' +
          'zodat Boom zonder onderbreking kan wisselen. Het geldt voor elke sleutel van de school, ook later ' +
          'uitgegeven sleutels en sleutels na het intrekken van alle sleutels, tot het wordt uitgezet; het kan ' +
          'aan voordat de school een sleutel heeft. `sleutels`: het aantal sleutels dat nu geldig is.',
        params: schoolParams,
        response: { 201: z.object({ ondertekengeheim: z.string(), sleutels: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const antwoord = await zetOndertekening(app.db, request.params.schoolId, true);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...antwoord, ondertekengeheim: antwoord.ondertekengeheim! });
    },
  );

  app.delete(
    '/scholen/:schoolId/koppeling/ondertekening',
    {
      schema: {
        ...beheer,
        summary: 'Ondertekening uitzetten',
        description: 'Vanaf nu worden ook onondertekende verzoeken aangenomen; geen geheim blijft geldig.',
        params: schoolParams,
        response: { 200: z.object({ ondertekengeheim: z.null(), sleutels: z.number().int() }) },
      },
    },
    async (request) => {
      const { sleutels } = await zetOndertekening(app.db, request.params.schoolId, false);
      return { ondertekengeheim: null, sleutels };
    },
  );
};
