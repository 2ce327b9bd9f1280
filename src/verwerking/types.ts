import type { BoomResultaat } from '../boom/schema.js';
import type { FoutCode } from '../db/types.js';

/** The codes of a result that could not be stored (CONTRACT §3), in the order the checks run. */
export const FOUT_CODES = [
  'LEERLING_NIET_GEVONDEN',
  'TOETS_NIET_GEVONDEN',
  'TOETSONDERDEEL_NIET_GEVONDEN',
  'GEEN_TOETSDOEL',
  'REVISIE_CONFLICT',
] as const satisfies readonly FoutCode[];

// Both ways: the list above and the column type in db/types.ts name the same codes.
type _ZelfdeCodes = [FoutCode] extends [(typeof FOUT_CODES)[number]] ? true : never;
const _zelfdeCodes: _ZelfdeCodes = true;
void _zelfdeCodes;

export type UitkomstStatus = 'verwerkt' | 'dubbel' | 'verouderd' | 'overgeslagen' | 'fout';

/** What happened to one result: the answer Boom gets per result, and what a retry answers. */
export interface Uitkomst {
  resultaatKey: string;
  revisie: number;
  status: UitkomstStatus;
  fout?: { code: FoutCode; melding: string };
}

export interface SchoolContext {
  id: string;
  boomWijzigingenVerwerken: boolean;
}

/**
 * One result to handle; `foutId` when it is an open foutmelding being handled again; `hash` when the
 * caller already has inhoudHash(resultaat) (a delivery computes it with the delivery's own hash).
 */
export interface TeVerwerken {
  resultaat: BoomResultaat;
  foutId?: string;
  hash?: Buffer;
}
