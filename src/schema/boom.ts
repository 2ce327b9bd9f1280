import { z } from 'zod';
import {
  type Aanbieding,
  type AanbiedingAntwoord,
  type BoomResultaat,
  FOUT_CODES,
  REDENEN,
  UITKOMST_STATUSSEN,
  type Uitkomst,
} from '../verwerking/model.js';
import { afnamedatum, tijdstip } from './datum.js';
import { sleutelTekst, tekst } from './tekst.js';

/**
 * What Boom sends and what it gets back, as zod schemas: the routes of boom/ validate with them, beheer/
 * answers a retry with `uitkomst`, and verwerking/ checks a kept result again before a retry. Built from
 * the lists of verwerking/model.ts; the checks at the end keep zod's types equal to the model's.
 */

export { morgenInAmsterdam } from './datum.js';

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
  reden: z.enum(REDENEN),
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

export const aanbieding = z.object({
  berichtId: sleutelTekst(128),
  verzondenOp: tijdstip,
  // zod checks the length before it looks at any item: a huge array costs no more than a short one.
  resultaten: z.array(boomResultaat).min(1, 'minstens 1 resultaat').max(1000, 'hoogstens 1000 resultaten'),
});

export const uitkomstStatus = z.enum(UITKOMST_STATUSSEN);

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

export const aanbiedingAntwoord = z.object({
  berichtId: z.string(),
  ontvangenOp: z.string(),
  resultaten: z.array(uitkomst),
});

/**
 * The JSON of an AanbiedingAntwoord, as zod's encoding of `aanbiedingAntwoord` gives it (its keys in the
 * schema's order, nothing outside the schema), without zod walking every outcome: the answer is built by
 * this service and typed. A replayed answer comes from jsonb, which reorders keys; this puts them back.
 */
export function aanbiedingAntwoordJson(a: AanbiedingAntwoord): string {
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

// zod's types and the model's are the same, both ways (a compile error here names the difference).
type Gelijk<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _resultaat: Gelijk<z.output<typeof boomResultaat>, BoomResultaat> = true;
const _aanbieding: Gelijk<z.output<typeof aanbieding>, Aanbieding> = true;
const _uitkomst: Gelijk<z.output<typeof uitkomst>, Uitkomst> = true;
const _antwoord: Gelijk<z.output<typeof aanbiedingAntwoord>, AanbiedingAntwoord> = true;
void [_resultaat, _aanbieding, _uitkomst, _antwoord];
