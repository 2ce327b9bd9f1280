import { type RawBuilder, sql } from 'kysely';
import { type BoomResultaat, dleVan } from '../boom/schema.js';
import type { FoutCode, Verwerking } from '../db/types.js';

export interface ResultaatRij {
  schoolId: string;
  /** The aanbieding it came in; null for an operator's retry. */
  aanbiedingId: string | null;
  resultaat: BoomResultaat;
  hash: Buffer;
  leerlingId: string;
}

export interface RevisieRij extends ResultaatRij {
  verwerking: Verwerking;
}

export interface NieuweFout {
  schoolId: string;
  aanbiedingId: string | null;
  resultaat: BoomResultaat;
  foutId: string | undefined;
  leerlingId: string | null;
  code: FoutCode;
  melding: string;
}

/** One revisie to keep in the history; `huidig` when it also becomes the current result of its key. */
export interface SchrijfRij extends RevisieRij {
  huidig: boolean;
}

/**
 * The statement that writes a batch, one part per table, each part only when it has rows:
 * - the current results, upserted (a withdrawal too: it stays, flagged ingetrokken);
 * - each revisie once in the history; a revisie seen before keeps its row, unless it is applied now
 *   (one that was skipped while the school's setting was off, say);
 * - the errors for operators: a new open foutmelding, or, when one is already open for this revisie
 *   (a resend, or a retry), that one with its new code and one more attempt;
 * - the caller's `extra`, a data-modifying statement on yet another table.
 * The parts touch different tables, so running them side by side in one statement does what running
 * them one after the other would. The results travel once, as one jsonb parameter.
 */
export function schrijfStatement(d: {
  rijen: SchrijfRij[];
  fouten: NieuweFout[];
  extra?: RawBuilder<unknown> | undefined;
}): RawBuilder<unknown> | undefined {
  const delen: RawBuilder<unknown>[] = [];
  if (d.rijen.length > 0) {
    const json = JSON.stringify(
      d.rijen.map((row) => {
        const r = row.resultaat;
        return {
          school_id: row.schoolId,
          aanbieding_id: row.aanbiedingId,
          resultaat_key: r.resultaatKey,
          revisie: r.revisie,
          reden: r.reden,
          verwerking: row.verwerking,
          huidig: row.huidig,
          leerling_id: row.leerlingId,
          toets_code: r.toets.code,
          toets_versie: r.toets.versie ?? null,
          toetsonderdeel_code: r.toetsonderdeel?.code ?? null,
          afnamedatum: r.afnamedatum,
          dle: dleVan(r),
          resultaat: r,
          hash: row.hash.toString('hex'),
        };
      }),
    );
    delen.push(sql`x AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS x(school_id uuid, aanbieding_id uuid, resultaat_key text, revisie int, reden text, verwerking text,
             huidig boolean, leerling_id text, toets_code text, toets_versie text, toetsonderdeel_code text,
             afnamedatum text, dle text, resultaat jsonb, hash text))`);
    if (d.rijen.some((r) => r.huidig)) {
      delen.push(sql`h AS (
      INSERT INTO toetsresultaten AS t (school_id, resultaat_key, leerling_id, revisie, reden, toets_code, toets_versie,
                                   toetsonderdeel_code, afnamedatum, dle, ingetrokken, resultaat, inhoud_hash, aanbieding_id)
      SELECT x.school_id, x.resultaat_key, x.leerling_id, x.revisie, x.reden, x.toets_code, x.toets_versie,
             x.toetsonderdeel_code, x.afnamedatum::date, x.dle::numeric, x.reden = 'intrekking', x.resultaat,
             decode(x.hash, 'hex'), x.aanbieding_id
        FROM x WHERE x.huidig
      ON CONFLICT (school_id, resultaat_key) DO UPDATE SET
             leerling_id = EXCLUDED.leerling_id, revisie = EXCLUDED.revisie, reden = EXCLUDED.reden,
             toets_code = EXCLUDED.toets_code, toets_versie = EXCLUDED.toets_versie,
             toetsonderdeel_code = EXCLUDED.toetsonderdeel_code, afnamedatum = EXCLUDED.afnamedatum, dle = EXCLUDED.dle,
             ingetrokken = EXCLUDED.ingetrokken, resultaat = EXCLUDED.resultaat, inhoud_hash = EXCLUDED.inhoud_hash,
             aanbieding_id = EXCLUDED.aanbieding_id, bijgewerkt_op = now())`);
    }
    delen.push(sql`r AS (
      INSERT INTO resultaat_revisies AS h (school_id, resultaat_key, revisie, reden, verwerking, leerling_id, resultaat,
                                           inhoud_hash, aanbieding_id)
      SELECT x.school_id, x.resultaat_key, x.revisie, x.reden, x.verwerking, x.leerling_id, x.resultaat,
             decode(x.hash, 'hex'), x.aanbieding_id
        FROM x
      ON CONFLICT (school_id, resultaat_key, revisie) DO UPDATE SET
             verwerking = EXCLUDED.verwerking, reden = EXCLUDED.reden, leerling_id = EXCLUDED.leerling_id,
             resultaat = EXCLUDED.resultaat, inhoud_hash = EXCLUDED.inhoud_hash, aanbieding_id = EXCLUDED.aanbieding_id
       WHERE EXCLUDED.verwerking = 'toegepast' AND h.verwerking <> 'toegepast')`);
  }
  if (d.fouten.length > 0) {
    const json = JSON.stringify(
      d.fouten.map((f) => ({
        school_id: f.schoolId,
        aanbieding_id: f.aanbiedingId,
        code: f.code,
        melding: f.melding,
        resultaat_key: f.resultaat.resultaatKey,
        revisie: f.resultaat.revisie,
        boom_leerlingnummer: f.resultaat.boomLeerlingnummer,
        leerling_id: f.leerlingId,
        toets_code: f.resultaat.toets.code,
        toetsonderdeel_code: f.resultaat.toetsonderdeel?.code ?? null,
        resultaat: f.resultaat,
      })),
    );
    delen.push(sql`f AS (
      INSERT INTO foutmeldingen AS f (school_id, code, melding, resultaat_key, revisie, boom_leerlingnummer, leerling_id,
                                      toets_code, toetsonderdeel_code, resultaat, aanbieding_id)
      SELECT x.school_id, x.code, x.melding, x.resultaat_key, x.revisie, x.boom_leerlingnummer, x.leerling_id,
             x.toets_code, x.toetsonderdeel_code, x.resultaat, x.aanbieding_id
        FROM jsonb_to_recordset(${json}::jsonb) AS x(school_id uuid, aanbieding_id uuid, code text, melding text, resultaat_key text, revisie int,
             boom_leerlingnummer text, leerling_id text, toets_code text, toetsonderdeel_code text, resultaat jsonb)
      ON CONFLICT (school_id, resultaat_key, revisie) WHERE status = 'open' DO UPDATE SET
             code = EXCLUDED.code, melding = EXCLUDED.melding, boom_leerlingnummer = EXCLUDED.boom_leerlingnummer,
             leerling_id = EXCLUDED.leerling_id, toets_code = EXCLUDED.toets_code,
             toetsonderdeel_code = EXCLUDED.toetsonderdeel_code, resultaat = EXCLUDED.resultaat,
             aanbieding_id = coalesce(EXCLUDED.aanbieding_id, f.aanbieding_id),
             pogingen = f.pogingen + 1, laatste_poging_op = clock_timestamp())`);
  }
  if (d.extra) delen.push(sql`e AS (${d.extra})`);
  if (delen.length === 0) return undefined;
  return sql`WITH ${sql.join(delen, sql`, `)} SELECT 1`;
}

/**
 * A revisie that got through resolves the open lookup errors recorded for it. A REVISIE_CONFLICT is
 * only resolved by handling that error itself again (another delivery of the stored content does not
 * settle what the conflicting one said).
 */
export interface Geslaagd {
  schoolId: string;
  resultaatKey: string;
  revisie: number;
  foutId: string | undefined;
}

export function sluitFoutenStatement(geslaagd: Geslaagd[]): RawBuilder<unknown> {
  const opnieuw = geslaagd.flatMap((g) => (g.foutId ? [g.foutId] : []));
  return sql`
    UPDATE foutmeldingen AS f
       SET status = 'opgelost', opgelost_op = clock_timestamp(),
           pogingen = f.pogingen + (f.id = ANY(${opnieuw}::uuid[]))::int,
           laatste_poging_op = CASE WHEN f.id = ANY(${opnieuw}::uuid[]) THEN clock_timestamp() ELSE f.laatste_poging_op END
      FROM unnest(${geslaagd.map((g) => g.schoolId)}::uuid[], ${geslaagd.map((g) => g.resultaatKey)}::text[],
                  ${geslaagd.map((g) => g.revisie)}::int[]) AS g(s, k, r)
     WHERE f.school_id = g.s AND f.status = 'open' AND f.resultaat_key = g.k AND f.revisie = g.r
       AND (f.code <> 'REVISIE_CONFLICT' OR f.id = ANY(${opnieuw}::uuid[]))`;
}
