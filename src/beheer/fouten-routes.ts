import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uitkomst as uitkomstSchema } from '../schema/boom.js';
import { FOUT_STATUSSEN } from '../verwerking/index.js';
import { negeer, probeerAllesOpnieuw, probeerOpnieuw } from './fouten.js';
import { type FoutRij, lijstFouten } from './fouten-repo.js';
import { lijst, limit, pagina, tijdCursor } from './paging.js';
import { beheer, foutCode, idParams, iso, tijdstip } from './schema.js';

const foutStatus = z.enum(FOUT_STATUSSEN);

const foutAntwoord = z.object({
  id: z.string(),
  schoolId: z.string(),
  code: foutCode,
  status: foutStatus,
  melding: z.string(),
  resultaatKey: z.string(),
  revisie: z.number().int(),
  boomLeerlingnummer: z.string(),
  toetsCode: z.string(),
  toetsonderdeelCode: z.string().nullable(),
  aangemaaktOp: z.string(),
  pogingen: z.number().int(),
  laatstePogingOp: z.string(),
  opgelostOp: z.string().nullable(),
});

const opnieuwAntwoord = foutAntwoord.extend({ uitkomst: uitkomstSchema });

function naarFout(r: FoutRij): z.output<typeof foutAntwoord> {
  return {
    id: r.id,
    schoolId: r.school_id,
    code: r.code,
    status: r.status,
    melding: r.melding,
    resultaatKey: r.resultaat_key,
    revisie: r.revisie,
    boomLeerlingnummer: r.boom_leerlingnummer,
    toetsCode: r.toets_code,
    toetsonderdeelCode: r.toetsonderdeel_code,
    aangemaaktOp: r.aangemaakt_op.toISOString(),
    pogingen: r.pogingen,
    laatstePogingOp: r.laatste_poging_op.toISOString(),
    opgelostOp: iso(r.opgelost_op as Date | null),
  };
}

const perStatus = z.object({
  verwerkt: z.number().int(),
  dubbel: z.number().int(),
  verouderd: z.number().int(),
  overgeslagen: z.number().int(),
  fout: z.number().int(),
});

export const foutenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/fouten',
    {
      schema: {
        ...beheer,
        summary: 'Het foutenlogboek, nieuwste eerst',
        description: '`vanaf` telt mee, `tot` niet (op `aangemaaktOp`).',
        querystring: z.object({
          schoolId: z.guid().optional(),
          code: foutCode.optional(),
          status: foutStatus.optional(),
          vanaf: tijdstip.optional(),
          tot: tijdstip.optional(),
          limit,
          cursor: tijdCursor,
        }),
        response: { 200: lijst(foutAntwoord) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filter } = request.query;
      const rijen = await lijstFouten(app.db, filter, limit, cursor);
      return pagina(rijen, limit, naarFout, (r) => [r.sleutel, r.id]);
    },
  );

  app.post(
    '/fouten/:id/opnieuw',
    {
      config: { fouten: ['FOUT_NIET_OPEN'] },
      schema: {
        ...beheer,
        summary: 'Eén open foutmelding opnieuw verwerken',
        description:
          'Antwoordt de foutmelding zoals ze nu is, met de nieuwe `uitkomst` van het resultaat. Lukt het weer ' +
          'niet, dan blijft ze open met de nieuwe code. Een bewaard resultaat dat niet meer aan het schema ' +
          'voldoet, wordt niet verwerkt: de foutmelding blijft open en haar melding zegt waarom. ' +
          'Niet open: 409 FOUT_NIET_OPEN.',
        params: idParams,
        response: { 200: opnieuwAntwoord },
      },
    },
    async (request) => {
      const { rij, uitkomst } = await probeerOpnieuw(app.db, request.params.id);
      return { ...naarFout(rij), uitkomst };
    },
  );

  app.post(
    '/fouten/:id/negeren',
    {
      config: { fouten: ['FOUT_NIET_OPEN'] },
      schema: {
        ...beheer,
        summary: 'Eén open foutmelding negeren',
        description:
          'Een genegeerde foutmelding wordt nooit vanzelf opnieuw verwerkt. Niet open: 409 FOUT_NIET_OPEN.',
        params: idParams,
        response: { 200: foutAntwoord },
      },
    },
    async (request) => naarFout(await negeer(app.db, request.params.id)),
  );

  app.post(
    '/fouten/opnieuw',
    {
      schema: {
        ...beheer,
        summary: 'Alle open foutmeldingen die passen opnieuw verwerken, oudste eerst',
        description:
          'In één transactie; het antwoord telt de nieuwe uitkomsten per status. Eén foutmelding die niet ' +
          'verwerkt kan worden, blijft open met haar reden en houdt de andere niet tegen.',
        body: z.object({ schoolId: z.guid().optional(), code: foutCode.optional() }).nullish(),
        response: { 200: z.object({ perStatus }) },
      },
    },
    async (request) => probeerAllesOpnieuw(app.db, request.body ?? {}),
  );
};
