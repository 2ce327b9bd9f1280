import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { limit } from './paging.js';
import { beheer, iso } from './schema.js';
import { leesWijzigingen, type WijzigingRij } from './wijzigingen-repo.js';

const wijziging = z.object({
  positie: z.number().int(),
  xid: z
    .string()
    .describe('De transactie die de wijziging maakte; wijzigingen met dezelfde xid horen bij elkaar'),
  vastgelegdOp: z.string(),
  soort: z.enum(['toetsresultaat', 'revisie', 'foutmelding']),
  actie: z.enum(['nieuw', 'gewijzigd', 'verwijderd']),
  schoolId: z.string(),
  resultaatKey: z.string(),
  revisie: z.number().int().nullable(),
  revisieWas: z.number().int().nullable(),
  reden: z.string().nullable(),
  leerlingId: z.string().nullable(),
  leerlingIdWas: z.string().nullable(),
  ingetrokken: z.boolean().nullable(),
  ingetrokkenWas: z.boolean().nullable(),
  verwerking: z.string().nullable(),
  verwerkingWas: z.string().nullable(),
  foutId: z.string().nullable(),
  code: z.string().nullable(),
  codeWas: z.string().nullable(),
  status: z.string().nullable(),
  statusWas: z.string().nullable(),
});

function naarWijziging(r: WijzigingRij): z.output<typeof wijziging> {
  return {
    positie: Number(r.positie),
    xid: r.xid,
    vastgelegdOp: iso(r.vastgelegd_op) ?? '',
    soort: r.soort,
    actie: r.actie,
    schoolId: r.school_id,
    resultaatKey: r.resultaat_key,
    revisie: r.revisie,
    revisieWas: r.revisie_was,
    reden: r.reden,
    leerlingId: r.leerling_id,
    leerlingIdWas: r.leerling_id_was,
    ingetrokken: r.ingetrokken,
    ingetrokkenWas: r.ingetrokken_was,
    verwerking: r.verwerking,
    verwerkingWas: r.verwerking_was,
    foutId: r.fout_id,
    code: r.code,
    codeWas: r.code_was,
    status: r.status,
    statusWas: r.status_was,
  };
}

export const wijzigingenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/wijzigingen',
    {
      schema: {
        ...beheer,
        summary: 'Elke wijziging van resultaten, revisies en foutmeldingen, in volgorde, zonder gaten',
        description:
          'Geeft de wijzigingen na positie `na`, oplopend. Bewaar `volgende` en vraag de volgende keer ' +
          '`na=<volgende>`: zo komt elke wijziging precies één keer, in een volgorde die past bij de commits ' +
          '(docs/database.md). Een lege `items` betekent: nu niets nieuws.',
        querystring: z.object({
          na: z
            .string()
            .regex(/^\d{1,18}$/, 'een positie: 0 of de `volgende` van de vorige keer')
            .default('0')
            .describe('De laatste positie die je verwerkte (0: vanaf het begin)'),
          limit,
        }),
        response: { 200: z.object({ items: z.array(wijziging), volgende: z.string() }) },
      },
    },
    async (request) => {
      const { na, limit } = request.query;
      const rijen = await leesWijzigingen(app.db, na, limit);
      const na2 = rijen.at(-1)?.positie ?? na.replace(/^0+(?=\d)/, '');
      return { items: rijen.map(naarWijziging), volgende: na2 };
    },
  );
};
