import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sleutelTekst, tekst } from '../schema/tekst.js';
import { eisSchool } from './niet-gevonden.js';
import { cursor, lijst, limit, pagina } from './paging.js';
import { lijstResultaten } from './resultaten-repo.js';
import { beheer, getal, schoolParams } from './schema.js';

const resultaat = z.object({
  resultaatKey: z.string(),
  revisie: z.number().int(),
  leerlingId: z.string(),
  toetsCode: z.string(),
  toetsonderdeelCode: z.string().nullable(),
  afnamedatum: z.string(),
  dle: z.number().nullable(),
  normDle: z.number().nullable(),
  dleVerschil: z.number().nullable().describe('dle − normDle; positief: voor op de norm'),
  inDoorstroomgrafiek: z.boolean(),
});

type Rij = Awaited<ReturnType<typeof lijstResultaten>>[number];

function naarResultaat(r: Rij): z.output<typeof resultaat> {
  return {
    resultaatKey: r.resultaat_key,
    revisie: r.revisie,
    leerlingId: r.leerling_id,
    toetsCode: r.toets_code,
    toetsonderdeelCode: r.toetsonderdeel_code,
    afnamedatum: r.afnamedatum,
    dle: getal(r.dle),
    normDle: getal(r.norm_dle),
    dleVerschil: getal(r.dle_verschil),
    inDoorstroomgrafiek: r.in_grafiek,
  };
}

export const resultatenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/scholen/:schoolId/resultaten',
    {
      schema: {
        ...beheer,
        summary: 'De huidige (niet ingetrokken) resultaten van de school, op resultaatKey',
        description:
          '`normDle` komt uit de normen van nu, voor het vak van de toets en de huidige fase en het toetsdoel ' +
          'van de leerling (null zonder norm). `inDoorstroomgrafiek`: de school heeft de toets geactiveerd. ' +
          'Dit stemt overeen met de view doorstroomgrafiek_punten.',
        params: schoolParams,
        querystring: z.object({
          leerlingId: sleutelTekst(64).optional(),
          toets: tekst(1, 64).optional(),
          limit,
          cursor: cursor(1),
        }),
        response: { 200: lijst(resultaat) },
      },
    },
    async (request) => {
      const { limit, cursor: na, ...filter } = request.query;
      await eisSchool(app.db, request.params.schoolId);
      const rijen = await lijstResultaten(app.db, request.params.schoolId, filter, limit, na?.[0]);
      return pagina(rijen, limit, naarResultaat, (r) => [r.resultaat_key]);
    },
  );
};
