import type { BoomResultaat } from '../boom/schema.js';
import type { FoutCode } from '../db/types.js';

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
