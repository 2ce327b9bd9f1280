import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

export interface WijzigingRij {
  positie: string;
  xid: string;
  vastgelegd_op: Date;
  soort: 'toetsresultaat' | 'revisie' | 'foutmelding';
  actie: 'nieuw' | 'gewijzigd' | 'verwijderd';
  school_id: string;
  resultaat_key: string;
  revisie: number | null;
  revisie_was: number | null;
  reden: string | null;
  leerling_id: string | null;
  leerling_id_was: string | null;
  ingetrokken: boolean | null;
  ingetrokken_was: boolean | null;
  verwerking: string | null;
  verwerking_was: string | null;
  fout_id: string | null;
  code: string | null;
  code_was: string | null;
  status: string | null;
  status_was: string | null;
}

/**
 * The feed after positie `na`, in order, through the view that holds back what a transaction still running
 * could precede (migrations/0009, docs/database.md): the read every reader of the feed does.
 */
export async function leesWijzigingen(db: Executor, na: string, limit: number): Promise<WijzigingRij[]> {
  const { rows } = await sql<WijzigingRij>`
    SELECT positie, xid::text AS xid, vastgelegd_op, soort, actie, school_id, resultaat_key, revisie, revisie_was,
           reden, leerling_id, leerling_id_was, ingetrokken, ingetrokken_was, verwerking, verwerking_was,
           fout_id, code, code_was, status, status_was
      FROM wijzigingen_leesbaar
     WHERE positie > ${na}::bigint
     ORDER BY positie
     LIMIT ${limit}`.execute(db);
  return rows;
}
