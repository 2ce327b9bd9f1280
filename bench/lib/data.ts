import type pg from 'pg';
import { hashSleutel, nieuweSleutel } from '../../src/sleutels.js';

/** The demo Boom LVS catalogue (DOMAIN.md: the codes are invented, the tests are the public list). */
export const CATALOGUS: Array<{ code: string; naam: string; vak: string; onderdelen: string[] }> = [
  { code: 'BLVS-BL', naam: 'Begrijpend lezen', vak: 'lezen', onderdelen: [] },
  { code: 'BLVS-HR', naam: 'Hoofdrekenen', vak: 'rekenen', onderdelen: [] },
  { code: 'BLVS-PI', naam: 'PI-dictee', vak: 'spelling', onderdelen: [] },
  { code: 'BLVS-RW', naam: 'Rekenen-Wiskunde', vak: 'rekenen', onderdelen: [] },
  { code: 'BLVS-RWC', naam: 'Rekenen-Wiskunde Contextrijk', vak: 'rekenen', onderdelen: [] },
  {
    code: 'BLVS-SP',
    naam: 'Spelling Woorden en Werkwoorden',
    vak: 'spelling',
    onderdelen: ['WOORDEN', 'WERKWOORDEN'],
  },
  { code: 'BLVS-TLW', naam: 'Technisch lezen Woorden', vak: 'lezen', onderdelen: [] },
  { code: 'BLVS-TLT', naam: 'Technisch lezen Tekst', vak: 'lezen', onderdelen: [] },
];

export interface School {
  index: number;
  id: string;
  sleutel: string;
  verwerken: boolean;
}

/** The Boom number of pupil `p` of school `s`: unique within the school (and here across schools too). */
export function boomNummer(s: number, p: number): string {
  return String(4_000_000 + s * 1000 + p);
}

/**
 * Schools with a key each, pupils with a Boom number and a toetsdoel, the catalogue, and the DLE norms.
 * Half of the schools (the odd ones) have BOOM WIJZIGINGEN VERWERKEN off.
 */
export async function richIn(
  c: pg.Client,
  aantalScholen: number,
  leerlingenPerSchool: number,
): Promise<School[]> {
  for (const t of CATALOGUS) {
    await c.query('INSERT INTO toetsen (code, naam, vak) VALUES ($1, $2, $3)', [t.code, t.naam, t.vak]);
    for (const o of t.onderdelen) {
      await c.query('INSERT INTO toetsonderdelen (toets_code, code, naam) VALUES ($1, $2, $3)', [
        t.code,
        o,
        o.toLowerCase(),
      ]);
    }
  }
  await c.query(`INSERT INTO dle_normen (vak, fase, toetsdoel, norm_dle)
                 SELECT v, 'F2', 'PO-midden', 20 FROM unnest('{lezen,rekenen,spelling}'::text[]) AS v`);
  const sleutels = Array.from({ length: aantalScholen }, () => nieuweSleutel('bk'));
  const { rows } = await c.query<{ id: string; i: number }>(
    `INSERT INTO scholen (naam, brin, boom_wijzigingen_verwerken)
     SELECT 'Bench school ' || i, lpad(i::text, 2, '0') || 'XX', i % 2 = 0 FROM generate_series(0, $1 - 1) AS i
     RETURNING id, substring(naam from 14)::int AS i`,
    [aantalScholen],
  );
  const scholen: School[] = rows
    .sort((a, b) => a.i - b.i)
    .map((r) => ({ index: r.i, id: r.id, sleutel: sleutels[r.i]!, verwerken: r.i % 2 === 0 }));
  await c.query(
    `INSERT INTO koppeling_sleutels (school_id, sleutel_hash, status, geactiveerd_op)
     SELECT s, h, 'actief', now() FROM unnest($1::uuid[], $2::bytea[]) AS x(s, h)`,
    [scholen.map((s) => s.id), scholen.map((s) => hashSleutel(s.sleutel))],
  );
  await c.query(
    `INSERT INTO leerlingen (school_id, leerling_id, boom_leerlingnummer, fase, toetsdoel)
     SELECT s.id, 'LL-' || p, (4000000 + s.i * 1000 + p)::text, 'F2', 'PO-midden'
       FROM unnest($1::uuid[], $2::int[]) AS s(id, i), generate_series(0, $3 - 1) AS p`,
    [scholen.map((s) => s.id), scholen.map((s) => s.index), leerlingenPerSchool],
  );
  await c.query(
    `INSERT INTO schooltoetsen (school_id, toets_code)
     SELECT id, code FROM scholen, toetsen WHERE code IN ('BLVS-SP', 'BLVS-RW', 'BLVS-TLT')`,
  );
  await c.query('ANALYZE');
  return scholen;
}

/** Result `n` of a school: the pupil, test and onderdeel follow from n, so SQL can build the same one. */
export function resultaat(
  s: number,
  n: number,
  key: string,
  leerlingenPerSchool: number,
  opties: { revisie?: number; reden?: string; dle?: string } = {},
) {
  const toets = CATALOGUS[n % CATALOGUS.length]!;
  const onderdeel = toets.onderdelen.length ? toets.onderdelen[n % toets.onderdelen.length]! : null;
  return {
    resultaatKey: key,
    revisie: opties.revisie ?? 1,
    reden: opties.reden ?? 'nieuw',
    boomLeerlingnummer: boomNummer(s, n % leerlingenPerSchool),
    toets: { code: toets.code, versie: 'A' },
    toetsonderdeel: onderdeel ? { code: onderdeel } : null,
    afnamedatum: '2026-01-20',
    toetsscore: { aantalOpgaven: 40, aantalGoed: 20 + (n % 20), vaardigheidsscore: 120 + (n % 50) },
    referentiescores: [
      { code: 'DLE', waarde: opties.dle ?? String(10 + (n % 40)) },
      { code: 'Percentiel', waarde: String(n % 100), vergelijkingsgroep: 'Landelijk' },
      { code: 'IV', waarde: ['I', 'II', 'III', 'IV', 'V'][n % 5]! },
    ],
    normversie: '2019',
  };
}

export function aanlevering(berichtId: string, resultaten: unknown[]): string {
  return JSON.stringify({ berichtId, verzondenOp: '2026-01-21T10:15:22Z', resultaten });
}

/**
 * `totaal` results in deliveries of `per`, for the schools in turn (each school's first `per` results,
 * then the next `per`, …): per delivery its school, the number n of its first result, and how many.
 */
export function indeling(
  scholen: School[],
  totaal: number,
  per: number,
): Array<{ s: School; start: number; aantal: number }> {
  const perSchoolTotaal = Math.ceil(totaal / scholen.length);
  const uit: Array<{ s: School; start: number; aantal: number }> = [];
  let gemaakt = 0;
  for (let start = 0; start < perSchoolTotaal && gemaakt < totaal; start += per) {
    for (const s of scholen) {
      const aantal = Math.min(per, perSchoolTotaal - start, totaal - gemaakt);
      if (aantal <= 0) break;
      uit.push({ s, start, aantal });
      gemaakt += aantal;
    }
  }
  return uit;
}
