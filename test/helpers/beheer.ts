import type { TestContext } from './app.js';

/** Test state the operators' API cannot make itself (deliveries, errors, results), written with SQL. */

export async function maakSchool(ctx: TestContext, naam = 'De Regenboog'): Promise<string> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: ctx.beheer,
    payload: { naam },
  });
  if (res.statusCode !== 201) throw new Error(`school not made: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function maakToets(ctx: TestContext, code: string, vak: string, onderdelen: string[] = []) {
  await ctx.sql.query('INSERT INTO toetsen (code, naam, vak) VALUES ($1, $2, $3)', [
    code,
    `Toets ${code}`,
    vak,
  ]);
  for (const o of onderdelen)
    await ctx.sql.query('INSERT INTO toetsonderdelen (toets_code, code, naam) VALUES ($1, $2, $3)', [
      code,
      o,
      o,
    ]);
}

export async function maakLeerling(
  ctx: TestContext,
  schoolId: string,
  leerlingId: string,
  velden: { nummer?: string | null; fase?: string | null; toetsdoel?: string | null } = {},
) {
  await ctx.sql.query(
    'INSERT INTO leerlingen (school_id, leerling_id, boom_leerlingnummer, fase, toetsdoel) VALUES ($1, $2, $3, $4, $5)',
    [schoolId, leerlingId, velden.nummer ?? null, velden.fase ?? null, velden.toetsdoel ?? null],
  );
}

export function resultaat(o: {
  key: string;
  revisie?: number;
  nummer: string;
  toets: string;
  onderdeel?: string | null;
  dle?: string;
}) {
  return {
    resultaatKey: o.key,
    revisie: o.revisie ?? 1,
    reden: 'nieuw',
    boomLeerlingnummer: o.nummer,
    toets: { code: o.toets },
    toetsonderdeel: o.onderdeel ? { code: o.onderdeel } : null,
    afnamedatum: '2026-02-03',
    referentiescores: [{ code: 'DLE', waarde: o.dle ?? '22' }],
  };
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

export async function maakFout(ctx: TestContext, f: FoutRij): Promise<string> {
  const r = resultaat({
    key: f.key,
    revisie: f.revisie,
    nummer: f.nummer,
    toets: f.toets,
    onderdeel: f.onderdeel,
  });
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
      JSON.stringify(r),
      f.aangemaaktOp ?? null,
    ],
  );
  return rows[0].id;
}

export async function maakResultaat(
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
       toetsonderdeel_code, afnamedatum, dle, ingetrokken, resultaat, inhoud_hash)
     VALUES ($1, $2, $3, 1, $4, $5, $6, '2026-02-03', $7, $8, '{}', '\\x00')`,
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
