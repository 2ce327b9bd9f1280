import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { code32 } from '../schema/tekst.js';
import { bewaarNormen, lijstNormen } from './normen-repo.js';
import { cursor, lijst, limit, pagina } from './paging.js';
import { beheer } from './schema.js';

const normDle = z
  .number()
  .min(0)
  .max(60)
  .refine((n) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9, 'hoogstens één decimaal')
  .describe('De verwachte DLE in maanden, 0–60, hoogstens één decimaal');

const norm = z.object({ vak: code32, fase: code32, toetsdoel: code32, normDle });

export const normenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/dle-normen',
    {
      schema: {
        ...beheer,
        summary: 'DLE-normen toevoegen of wijzigen, per (vak, fase, toetsdoel)',
        description: 'Tot 5000 normen in één keer, alles of niets; dezelfde sleutel twee keer is een 422.',
        body: z.object({
          items: z
            .array(norm)
            .min(1)
            .max(5000)
            .superRefine((items, ctx) => {
              const gezien = new Set<string>();
              items.forEach((n, i) => {
                const k = JSON.stringify([n.vak, n.fase, n.toetsdoel]);
                if (gezien.has(k))
                  ctx.addIssue({
                    code: 'custom',
                    path: [i],
                    message: 'deze (vak, fase, toetsdoel) staat er al eerder in',
                  });
                gezien.add(k);
              });
            }),
        }),
        response: { 200: z.object({ bijgewerkt: z.number().int() }) },
      },
    },
    async (request) => ({ bijgewerkt: await bewaarNormen(app.db, request.body.items) }),
  );

  app.get(
    '/dle-normen',
    {
      schema: {
        ...beheer,
        summary: 'De DLE-normen, op (vak, fase, toetsdoel)',
        querystring: z.object({ limit, cursor: cursor(3) }),
        response: {
          200: lijst(
            z.object({ vak: z.string(), fase: z.string(), toetsdoel: z.string(), normDle: z.number() }),
          ),
        },
      },
    },
    async (request) => {
      const { limit, cursor: na } = request.query;
      const rijen = await lijstNormen(app.db, limit, na);
      return pagina(
        rijen,
        limit,
        (r) => ({ vak: r.vak, fase: r.fase, toetsdoel: r.toetsdoel, normDle: Number(r.norm_dle) }),
        (r) => [r.vak, r.fase, r.toetsdoel],
      );
    },
  );
};
