import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { NieuweAanbieding, SchrijfRij, Schrijfwerk } from './beslis-bundel.js';
import type { FoutWijziging, NieuweFoutRij } from './foutboek.js';
import { dleVan, type NieuweFout } from './model.js';

/**
 * Writes what a batch decided (Schrijfwerk), in the caller's transaction: the foutmeldingen that were open
 * change first (one resolved here may make room for a new open one), then one statement writes the rest.
 */
export async function schrijf(
  trx: Transaction<Database> | Kysely<Database>,
  werk: Schrijfwerk,
): Promise<void> {
  if (werk.foutWijzigingen.length > 0) await wijzigFoutenStatement(werk.foutWijzigingen).execute(trx);
  const statement = schrijfStatement(werk);
  if (statement) await statement.execute(trx);
}

/**
 * The statement that writes a batch, one part per table, each part only when it has rows:
 * - the current results, upserted (a withdrawal too: it stays, flagged ingetrokken), without their content:
 *   that is kept once, in the history row of the same revisie (migration 0011);
 * - each revisie once in the history; a revisie seen before keeps its row, unless it is applied now
 *   (one that was skipped while the school's setting was off, say);
 * - the foutmeldingen the batch adds (Foutboek), open or already resolved by a later delivery of the
 *   batch; the ones that were open before are changed first, by wijzigFoutenStatement;
 * - the aanbiedingen accepted, each once and complete with its answer (their berichtIds were claimed with
 *   the claim's locks; the unique index stays the guarantee).
 * The parts touch different tables, so running them side by side in one statement does what running
 * them one after the other would. The results travel once, as one jsonb parameter.
 */
function schrijfStatement(d: {
  rijen: SchrijfRij[];
  nieuweFouten: NieuweFoutRij[];
  aanbiedingen: NieuweAanbieding[];
}): RawBuilder<unknown> | undefined {
  const delen: RawBuilder<unknown>[] = [];
  if (d.rijen.length > 0) {
    const json = jsonLijst(d.rijen, (row) => {
      const r = row.resultaat;
      return metJson(
        {
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
          hash: row.hash.toString('hex'),
        },
        'resultaat',
        row.json,
      );
    });
    delen.push(sql`x AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset(${json}::jsonb) AS x(school_id uuid, aanbieding_id uuid, resultaat_key text, revisie int, reden text, verwerking text,
             huidig boolean, leerling_id text, toets_code text, toets_versie text, toetsonderdeel_code text,
             afnamedatum text, dle text, resultaat jsonb, hash text))`);
    if (d.rijen.some((r) => r.huidig)) {
      delen.push(sql`h AS (
      INSERT INTO toetsresultaten AS t (school_id, resultaat_key, leerling_id, revisie, reden, toets_code, toets_versie,
                                   toetsonderdeel_code, afnamedatum, dle, ingetrokken, inhoud_hash, aanbieding_id)
      SELECT x.school_id, x.resultaat_key, x.leerling_id, x.revisie, x.reden, x.toets_code, x.toets_versie,
             x.toetsonderdeel_code, x.afnamedatum::date, x.dle::numeric, x.reden = 'intrekking',
             decode(x.hash, 'hex'), x.aanbieding_id
        FROM x WHERE x.huidig
      ON CONFLICT (school_id, resultaat_key) DO UPDATE SET
             leerling_id = EXCLUDED.leerling_id, revisie = EXCLUDED.revisie, reden = EXCLUDED.reden,
             toets_code = EXCLUDED.toets_code, toets_versie = EXCLUDED.toets_versie,
             toetsonderdeel_code = EXCLUDED.toetsonderdeel_code, afnamedatum = EXCLUDED.afnamedatum, dle = EXCLUDED.dle,
             ingetrokken = EXCLUDED.ingetrokken, resultaat = NULL, inhoud_hash = EXCLUDED.inhoud_hash,
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
  if (d.nieuweFouten.length > 0) {
    const json = JSON.stringify(
      d.nieuweFouten.map(({ fout: f, pogingen, opgelost }) => ({
        ...foutVelden(f),
        school_id: f.schoolId,
        resultaat_key: f.resultaat.resultaatKey,
        revisie: f.resultaat.revisie,
        pogingen,
        status: opgelost ? 'opgelost' : 'open',
      })),
    );
    // A new open foutmelding cannot meet another open one of its revisie: wijzigFoutenStatement resolved
    // that one first, or the batch added to it. The upsert only guards against what this batch did not see.
    delen.push(sql`f AS (
      INSERT INTO foutmeldingen AS f (school_id, code, melding, resultaat_key, revisie, boom_leerlingnummer, leerling_id,
                                      toets_code, toetsonderdeel_code, resultaat, aanbieding_id, status, pogingen, opgelost_op)
      SELECT x.school_id, x.code, x.melding, x.resultaat_key, x.revisie, x.boom_leerlingnummer, x.leerling_id,
             x.toets_code, x.toetsonderdeel_code, x.resultaat, x.aanbieding_id, x.status, x.pogingen,
             CASE WHEN x.status = 'opgelost' THEN clock_timestamp() END
        FROM jsonb_to_recordset(${json}::jsonb) AS x(school_id uuid, aanbieding_id uuid, code text, melding text, resultaat_key text, revisie int,
             boom_leerlingnummer text, leerling_id text, toets_code text, toetsonderdeel_code text, resultaat jsonb,
             status text, pogingen int)
      ON CONFLICT (school_id, resultaat_key, revisie) WHERE status = 'open' DO UPDATE SET
             code = EXCLUDED.code, melding = EXCLUDED.melding, boom_leerlingnummer = EXCLUDED.boom_leerlingnummer,
             leerling_id = EXCLUDED.leerling_id, toets_code = EXCLUDED.toets_code,
             toetsonderdeel_code = EXCLUDED.toetsonderdeel_code, resultaat = EXCLUDED.resultaat,
             aanbieding_id = coalesce(EXCLUDED.aanbieding_id, f.aanbieding_id),
             pogingen = f.pogingen + EXCLUDED.pogingen, laatste_poging_op = clock_timestamp())`);
  }
  if (d.aanbiedingen.length > 0) delen.push(sql`e AS (${nieuweAanbiedingen(d.aanbiedingen)})`);
  if (delen.length === 0) return undefined;
  return sql`WITH ${sql.join(delen, sql`, `)} SELECT 1`;
}

/** The columns of a foutmelding that follow Boom's latest content of the failing result. */
function foutVelden(f: NieuweFout) {
  return {
    aanbieding_id: f.aanbiedingId,
    code: f.code,
    melding: f.melding,
    boom_leerlingnummer: f.resultaat.boomLeerlingnummer,
    leerling_id: f.leerlingId,
    toets_code: f.resultaat.toets.code,
    toetsonderdeel_code: f.resultaat.toetsonderdeel?.code ?? null,
    resultaat: f.resultaat,
  };
}

/**
 * What a batch does to foutmeldingen that were open before it (Foutboek): more attempts and the latest
 * content when the revisie failed again; `opgelost` when it got through. An operator's retry that gets
 * through counts as an attempt too; a resolution by another delivery does not.
 */
function wijzigFoutenStatement(wijzigingen: FoutWijziging[]): RawBuilder<unknown> {
  const json = JSON.stringify(
    wijzigingen.map((w) => ({
      ...(w.nieuw ? foutVelden(w.nieuw) : {}),
      id: w.id,
      pogingen: w.pogingen,
      gesloten: w.gesloten,
      opnieuw_mislukt: w.nieuw !== undefined,
    })),
  );
  return sql`
    UPDATE foutmeldingen AS f
       SET code = CASE WHEN u.opnieuw_mislukt THEN u.code ELSE f.code END,
           melding = CASE WHEN u.opnieuw_mislukt THEN u.melding ELSE f.melding END,
           boom_leerlingnummer = CASE WHEN u.opnieuw_mislukt THEN u.boom_leerlingnummer ELSE f.boom_leerlingnummer END,
           leerling_id = CASE WHEN u.opnieuw_mislukt THEN u.leerling_id ELSE f.leerling_id END,
           toets_code = CASE WHEN u.opnieuw_mislukt THEN u.toets_code ELSE f.toets_code END,
           toetsonderdeel_code = CASE WHEN u.opnieuw_mislukt THEN u.toetsonderdeel_code ELSE f.toetsonderdeel_code END,
           resultaat = CASE WHEN u.opnieuw_mislukt THEN u.resultaat ELSE f.resultaat END,
           aanbieding_id = coalesce(u.aanbieding_id, f.aanbieding_id),
           pogingen = f.pogingen + u.pogingen,
           laatste_poging_op = CASE WHEN u.pogingen > 0 THEN clock_timestamp() ELSE f.laatste_poging_op END,
           status = CASE WHEN u.gesloten THEN 'opgelost' ELSE f.status END,
           opgelost_op = CASE WHEN u.gesloten THEN clock_timestamp() ELSE f.opgelost_op END
      FROM jsonb_to_recordset(${json}::jsonb) AS u(id uuid, pogingen int, gesloten boolean, opnieuw_mislukt boolean,
           aanbieding_id uuid, code text, melding text, boom_leerlingnummer text, leerling_id text, toets_code text,
           toetsonderdeel_code text, resultaat jsonb)
     WHERE f.id = u.id AND f.status = 'open'`;
}

function nieuweAanbiedingen(rijen: NieuweAanbieding[]): RawBuilder<unknown> {
  const json = jsonLijst(rijen, (a) =>
    metJson(
      {
        id: a.id,
        school_id: a.schoolId,
        bericht_id: a.berichtId,
        ontvangen_op: a.ontvangenOp,
        volgnummer: a.volgnummer,
        inhoud_hash: a.hash.toString('hex'),
        aantal_resultaten: a.aantal,
        per_status: a.perStatus,
        antwoord: a.antwoord,
      },
      'bericht',
      a.berichtJson,
    ),
  );
  return sql`INSERT INTO aanbiedingen (id, school_id, bericht_id, ontvangen_op, inhoud_hash, aantal_resultaten, per_status,
                                       bericht, antwoord)
    SELECT a.id, a.school_id, a.bericht_id, a.ontvangen_op + a.volgnummer * interval '1 microsecond', decode(a.inhoud_hash, 'hex'), a.aantal_resultaten, a.per_status,
           a.bericht, a.antwoord
      FROM jsonb_to_recordset(${json}::jsonb) AS a(id uuid, school_id uuid, bericht_id text, ontvangen_op timestamptz, volgnummer int,
           inhoud_hash text, aantal_resultaten int, per_status jsonb, bericht jsonb, antwoord jsonb)`;
}

/**
 * The JSON of `velden` with one more field whose value is JSON already (a result or a body, as it was
 * canonicalised for its hash): each is made into JSON once, not once more inside the statement's parameter.
 */
function metJson(velden: Record<string, unknown>, naam: string, json: string): string {
  const rest = JSON.stringify(velden);
  return `${rest.slice(0, -1)}${rest.length > 2 ? ',' : ''}${JSON.stringify(naam)}:${json}}`;
}

/** A JSON array of what `json` makes of each item. */
function jsonLijst<T>(items: T[], json: (item: T) => string): string {
  return `[${items.map(json).join(',')}]`;
}
