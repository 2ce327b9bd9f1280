import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { OPERATOR_TOKEN } from './app.js';

/**
 * Test state made through the operators' API, as SchoolKr8 staff would (their routes have their own tests).
 * This is the one fixture set; what the API cannot make is written with SQL in `sql-fixtures.ts` (its
 * functions end in `ViaSql`), and a delivery is POSTed with `boom.ts`.
 */
export interface MetApp {
  app: FastifyInstance;
}

/** A call of the operators' API that must succeed (< 300): its JSON answer. */
export async function beheer(ctx: MetApp, method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  const res = await ctx.app.inject({
    method,
    url: `/v1/beheer${url}`,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A school without a koppeling (no autorisatiesleutel yet). */
export async function maakSchoolZonderSleutel(ctx: MetApp, opts: { naam?: string } = {}) {
  const school = await beheer(ctx, 'POST', '/scholen', { naam: opts.naam ?? 'De Regenboog' });
  return { schoolId: school.id as string };
}

/** A school with an autorisatiesleutel (Stap 1), and Stap 5 as asked. */
export async function maakSchool(ctx: MetApp, opts: { naam?: string; verwerken?: boolean } = {}) {
  const { schoolId } = await maakSchoolZonderSleutel(ctx, opts);
  if (opts.verwerken === false) {
    await beheer(ctx, 'PATCH', `/scholen/${schoolId}`, { boomWijzigingenVerwerken: false });
  }
  const { sleutelId, autorisatiesleutel: sleutel } = await beheer(
    ctx,
    'POST',
    `/scholen/${schoolId}/koppeling`,
  );
  return {
    schoolId,
    sleutel: sleutel as string,
    sleutelId: sleutelId as string,
    auth: { authorization: `Bearer ${sleutel}` },
  };
}

/** A pupil as `maakLeerling` takes it (the SQL escape hatch takes the same). */
export interface Leerling {
  leerlingId: string;
  boomLeerlingnummer?: string | null;
  /** F2 unless said otherwise; `null` for none. */
  fase?: string | null;
  /** PO-midden unless said otherwise; `null` for none. */
  toetsdoel?: string | null;
}

/** The columns of a pupil with the defaults filled in. */
export function leerlingVelden(l: Leerling) {
  return {
    boomLeerlingnummer: l.boomLeerlingnummer ?? null,
    fase: l.fase === undefined ? 'F2' : l.fase,
    toetsdoel: l.toetsdoel === undefined ? 'PO-midden' : l.toetsdoel,
  };
}

/** A pupil (Stap 3), with fase F2 and toetsdoel PO-midden unless said otherwise. */
export async function maakLeerling(ctx: MetApp, schoolId: string, l: Leerling) {
  await beheer(ctx, 'PUT', `/scholen/${schoolId}/leerlingen/${l.leerlingId}`, leerlingVelden(l));
}

/** An onderdeel of a toets: a code (its naam is the code in lower case), or a code and a naam. */
export type Onderdeel = string | { code: string; naam: string };

export function onderdeelVelden(o: Onderdeel) {
  return typeof o === 'string' ? { code: o, naam: o.toLowerCase() } : o;
}

/** A test in the catalogue, with its onderdelen. */
export async function maakToets(
  ctx: MetApp,
  code = 'BLVS-SP',
  vak = 'spelling',
  onderdelen: Onderdeel[] = ['WOORDEN', 'WERKWOORDEN'],
) {
  await beheer(ctx, 'PUT', `/toetsen/${code}`, {
    naam: `Toets ${code}`,
    vak,
    onderdelen: onderdelen.map(onderdeelVelden),
  });
}

/** A school with one pupil (Boom number 4839201) and the BLVS-SP test: the common starting point. */
export async function standaardSchool(ctx: MetApp, opts: { verwerken?: boolean } = {}) {
  const s = await maakSchool(ctx, opts);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);
  return s;
}

export function resultaat(overrides: Record<string, unknown> = {}) {
  return {
    resultaatKey: 'BTC-R-000123456',
    revisie: 1,
    reden: 'nieuw',
    boomLeerlingnummer: '4839201',
    toets: { code: 'BLVS-SP', versie: 'A' },
    toetsonderdeel: { code: 'WOORDEN' },
    afnamedatum: '2026-02-03',
    toetsscore: { aantalOpgaven: 40, aantalGoed: 27, vaardigheidsscore: 143.0 },
    referentiescores: [
      { code: 'DLE', waarde: '22' },
      { code: 'Percentiel', waarde: '31', vergelijkingsgroep: 'Landelijk' },
    ],
    normversie: '2019',
    ...overrides,
  };
}

export function aanbieding(resultaten: unknown[], berichtId: string = randomUUID()) {
  return { berichtId, verzondenOp: '2026-02-04T10:15:22Z', resultaten };
}
