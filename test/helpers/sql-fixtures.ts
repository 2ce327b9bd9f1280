import type { TestContext } from './app.js';
import { type Leerling, leerlingVelden, type Onderdeel, onderdeelVelden } from './fixtures.js';

/**
 * The escape hatch: test state written with SQL, past the service and its rules. Only for what the API
 * cannot make (an error with a given date or status, a stored result without a delivery, a date kept by a
 * service before migration 0007) or must not do (a pupil or toets entered without healing, so that a
 * retry is what handles the errors). Every function here ends in `ViaSql`; everything else goes through
 * the API (`fixtures.ts`).
 */

/** A pupil inserted as `maakLeerling` makes it (same fields and defaults), without healing anything. */
export async function maakLeerlingViaSql(ctx: TestContext, schoolId: string, l: Leerling) {
  const v = leerlingVelden(l);
  await ctx.sql.query(
    'INSERT INTO leerlingen (school_id, leerling_id, boom_leerlingnummer, fase, toetsdoel) VALUES ($1, $2, $3, $4, $5)',
    [schoolId, l.leerlingId, v.boomLeerlingnummer, v.fase, v.toetsdoel],
  );
}

/** A toets inserted as `maakToets` makes it (same arguments and defaults), without healing anything. */
export async function maakToetsViaSql(
  ctx: TestContext,
  code = 'BLVS-SP',
  vak = 'spelling',
  onderdelen: Onderdeel[] = ['WOORDEN', 'WERKWOORDEN'],
) {
  await ctx.sql.query('INSERT INTO toetsen (code, naam, vak) VALUES ($1, $2, $3)', [
    code,
    `Toets ${code}`,
    vak,
  ]);
  for (const o of onderdelen.map(onderdeelVelden))
    await ctx.sql.query('INSERT INTO toetsonderdelen (toets_code, code, naam) VALUES ($1, $2, $3)', [
      code,
      o.code,
      o.naam,
    ]);
}

export interface FoutRij {
  schoolId: string;
  code: string;
  key: string;
  revisie?: number;
  nummer: string;
  toets: string;
  onderdeel?: string | null;
  leerlingId?: string | null;
  status?: 'open' | 'opgelost' | 'genegeerd';
  aangemaaktOp?: string;
}

/** The kept result of a foutmelding written with SQL: the fields a fix reads, nothing more. */
function bewaardResultaat(f: FoutRij) {
  return {
    resultaatKey: f.key,
    revisie: f.revisie ?? 1,
    reden: 'nieuw',
    boomLeerlingnummer: f.nummer,
    toets: { code: f.toets },
    toetsonderdeel: f.onderdeel ? { code: f.onderdeel } : null,
    afnamedatum: '2026-02-03',
    referentiescores: [{ code: 'DLE', waarde: '22' }],
  };
}

/** A foutmelding with the status and aangemaakt_op asked (the melding is 'melding'); its id. */
export async function maakFoutViaSql(ctx: TestContext, f: FoutRij): Promise<string> {
  const { rows } = await ctx.sql.query(
    `INSERT INTO foutmeldingen (school_id, code, status, melding, resultaat_key, revisie, boom_leerlingnummer,
       leerling_id, toets_code, toetsonderdeel_code, resultaat, aangemaakt_op, opgelost_op)
     VALUES ($1, $2, $3, 'melding', $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, clock_timestamp()),
       CASE WHEN $3 = 'opgelost' THEN now() END)
     RETURNING id`,
    [
      f.schoolId,
      f.code,
      f.status ?? 'open',
      f.key,
      f.revisie ?? 1,
      f.nummer,
      f.leerlingId ?? null,
      f.toets,
      f.onderdeel ?? null,
      JSON.stringify(bewaardResultaat(f)),
      f.aangemaaktOp ?? null,
    ],
  );
  return rows[0].id;
}

/** A current result (revisie 1, afnamedatum 2026-02-03) with the dle asked, without a delivery. */
export async function maakResultaatViaSql(
  ctx: TestContext,
  o: {
    schoolId: string;
    leerlingId: string;
    key: string;
    toets: string;
    onderdeel?: string;
    dle: string | null;
    ingetrokken?: boolean;
  },
) {
  await ctx.sql.query(
    `INSERT INTO toetsresultaten (school_id, resultaat_key, leerling_id, revisie, reden, toets_code,
       toetsonderdeel_code, afnamedatum, dle, ingetrokken, inhoud_hash)
     VALUES ($1, $2, $3, 1, $4, $5, $6, '2026-02-03', $7, $8, '\\x00')`,
    [
      o.schoolId,
      o.key,
      o.leerlingId,
      o.ingetrokken ? 'intrekking' : 'nieuw',
      o.toets,
      o.onderdeel ?? null,
      o.dle,
      o.ingetrokken ?? false,
    ],
  );
}

/**
 * The kept result of open foutmelding `resultaatKey` gets an afnamedatum PostgreSQL refuses (0000-01-01
 * unless said otherwise), as services before migration 0007 kept it; no request can make one now.
 */
export async function bewaarOnmogelijkeDatumViaSql(
  ctx: TestContext,
  resultaatKey: string,
  datum = '0000-01-01',
) {
  const { rowCount } = await ctx.sql.query(
    `UPDATE foutmeldingen SET resultaat = jsonb_set(resultaat, '{afnamedatum}', to_jsonb($2::text))
      WHERE resultaat_key = $1 AND status = 'open'`,
    [resultaatKey, datum],
  );
  if (rowCount !== 1) throw new Error(`no open foutmelding ${resultaatKey}`);
}
