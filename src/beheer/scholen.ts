import { z } from 'zod';
import type { Db, Executor } from '../db/types.js';
import { AppError } from '../errors.js';
import { iso, isUuid } from './schema.js';
import { bestaatSchool, leesSchool, type SchoolRij } from './scholen-repo.js';

export const koppelingStatus = z.enum(['geen', 'aangevraagd', 'actief', 'ingetrokken']);

export const koppelingAntwoord = z.object({
  status: koppelingStatus.describe('De status van de nieuwste sleutel; `geen` zonder sleutel'),
  geactiveerdOp: z.string().nullable(),
  ondertekening: z
    .boolean()
    .describe('Of verzoeken met elke sleutel van deze school ondertekend moeten zijn (Standard Webhooks)'),
});

export const schoolAntwoord = z.object({
  id: z.string(),
  naam: z.string(),
  brin: z.string().nullable(),
  boomWijzigingenVerwerken: z.boolean(),
  koppeling: koppelingAntwoord,
  laatsteAanbiedingOp: z.string().nullable(),
  openFouten: z.number().int(),
});
export type SchoolAntwoord = z.output<typeof schoolAntwoord>;

export function naarSchool(r: SchoolRij): SchoolAntwoord {
  return {
    id: r.id,
    naam: r.naam,
    brin: r.brin,
    boomWijzigingenVerwerken: r.boom_wijzigingen_verwerken,
    koppeling: {
      status: r.koppeling_status ?? 'geen',
      geactiveerdOp: iso(r.geactiveerd_op),
      ondertekening: r.ondertekening,
    },
    laatsteAanbiedingOp: iso(r.laatste_aanbieding_op),
    openFouten: r.open_fouten,
  };
}

/** The school as operators see it, or a 404. */
export async function toonSchool(db: Db, schoolId: string): Promise<SchoolAntwoord> {
  const rij = isUuid(schoolId) ? await leesSchool(db, schoolId) : undefined;
  if (!rij) throw new AppError('NIET_GEVONDEN', { detail: 'Deze school bestaat niet' });
  return naarSchool(rij);
}

/** Throws the 404 of an unknown or malformed schoolId before anything reaches PostgreSQL. */
export function eisUuid(id: string, wat = 'school'): void {
  if (!isUuid(id)) throw new AppError('NIET_GEVONDEN', { detail: `Deze ${wat} bestaat niet` });
}

/** A 404 unless the school exists; with `vergrendel` its row stays locked until the transaction ends. */
export async function eisSchool(db: Executor, id: string, vergrendel = false): Promise<void> {
  eisUuid(id);
  if (!(await bestaatSchool(db, id, vergrendel)))
    throw new AppError('NIET_GEVONDEN', { detail: 'Deze school bestaat niet' });
}
