import { z } from 'zod';
import { afnamedatum, tijdstip } from '../schema/datum.js';
import { sleutelTekst, tekst } from '../schema/tekst.js';
// types.js only (no runtime import of the rules): verwerking's modules import this schema's helpers.
import { FOUT_CODES } from '../verwerking/types.js';

export { morgenInAmsterdam } from '../schema/datum.js';

const referentiescore = z
  .object({
    code: tekst(1, 64),
    waarde: tekst(1, 64),
    vergelijkingsgroep: tekst(1, 64).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.code !== 'DLE') return;
    const m = /^(\d{1,2})(\.\d)?$/.exec(r.waarde);
    if (!m || Number(r.waarde) > 60) {
      ctx.addIssue({
        code: 'custom',
        path: ['waarde'],
        message: 'een DLE is 0–60 maanden, met hoogstens één decimaal',
      });
    }
  });

const telling = z.number().int().min(0).max(1_000_000);

export const boomResultaat = z.object({
  resultaatKey: tekst(1, 128),
  revisie: z.number().int().min(1).max(2_147_483_647),
  reden: z.enum(['nieuw', 'hernormering', 'correctie', 'intrekking']),
  boomLeerlingnummer: tekst(1, 64),
  toets: z.object({ code: tekst(1, 64), versie: tekst(0, 64).optional() }),
  toetsonderdeel: z
    .object({ code: tekst(1, 64) })
    .nullish()
    .transform((v) => v ?? null),
  afnamedatum,
  toetsscore: z
    .object({
      aantalOpgaven: telling.optional(),
      aantalGoed: telling.optional(),
      aantalFout: telling.optional(),
      vaardigheidsscore: z.number().min(-1e9).max(1e9).optional(),
      vaardigheidsschaal: tekst(1, 64).optional(),
    })
    .optional(),
  referentiescores: z.array(referentiescore).max(30).optional(),
  normversie: tekst(1, 64).optional(),
});

/** One validated result, as kept in toetsresultaten, resultaat_revisies and foutmeldingen. */
export type BoomResultaat = z.output<typeof boomResultaat>;

export const aanlevering = z.object({
  berichtId: sleutelTekst(128),
  verzondenOp: tijdstip,
  // zod checks the length before it looks at any item: a huge array costs no more than a short one.
  resultaten: z.array(boomResultaat).min(1, 'minstens 1 resultaat').max(1000, 'hoogstens 1000 resultaten'),
});
export type Aanlevering = z.output<typeof aanlevering>;

export const uitkomstStatus = z.enum(['verwerkt', 'dubbel', 'verouderd', 'overgeslagen', 'fout']);

export const uitkomst = z.object({
  resultaatKey: z.string(),
  revisie: z.number().int(),
  status: uitkomstStatus,
  fout: z
    .object({
      code: z
        .enum(FOUT_CODES)
        .describe('Waarom het resultaat niet is opgeslagen (een foutmelding voor de school)'),
      melding: z.string(),
    })
    .optional(),
});

export const aanleveringAntwoord = z.object({
  berichtId: z.string(),
  ontvangenOp: z.string(),
  resultaten: z.array(uitkomst),
});
export type AanleveringAntwoord = z.output<typeof aanleveringAntwoord>;

/**
 * The JSON of an AanleveringAntwoord, as zod's encoding of `aanleveringAntwoord` gives it (its keys in the
 * schema's order, nothing outside the schema), without zod walking every outcome: the answer is built by
 * this service and typed. A replayed answer comes from jsonb, which reorders keys; this puts them back.
 */
export function aanleveringAntwoordJson(a: AanleveringAntwoord): string {
  return JSON.stringify({
    berichtId: a.berichtId,
    ontvangenOp: a.ontvangenOp,
    resultaten: a.resultaten.map((r) => ({
      resultaatKey: r.resultaatKey,
      revisie: r.revisie,
      status: r.status,
      fout: r.fout === undefined ? undefined : { code: r.fout.code, melding: r.fout.melding },
    })),
  });
}

/** The DLE of a result, from its referentiescores, or null. */
export function dleVan(r: BoomResultaat): string | null {
  return r.referentiescores?.find((s) => s.code === 'DLE')?.waarde ?? null;
}
