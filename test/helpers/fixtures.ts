import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { OPERATOR_TOKEN } from './app.js';

/** Test state made through the operators' API, as SchoolKr8 staff would (their routes have their own tests). */
export interface MetApp {
  app: FastifyInstance;
}

async function beheer(ctx: MetApp, method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
  const res = await ctx.app.inject({
    method,
    url: `/v1/beheer${url}`,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** A school with an autorisatiesleutel (Stap 1), and Stap 5 as asked. */
export async function maakSchool(ctx: MetApp, opts: { naam?: string; verwerken?: boolean } = {}) {
  const school = await beheer(ctx, 'POST', '/scholen', { naam: opts.naam ?? 'De Regenboog' });
  if (opts.verwerken === false) {
    await beheer(ctx, 'PATCH', `/scholen/${school.id}`, { boomWijzigingenVerwerken: false });
  }
  const { sleutelId, autorisatiesleutel: sleutel } = await beheer(
    ctx,
    'POST',
    `/scholen/${school.id}/koppeling`,
  );
  return {
    schoolId: school.id as string,
    sleutel: sleutel as string,
    sleutelId: sleutelId as string,
    auth: { authorization: `Bearer ${sleutel}` },
  };
}

/** A pupil (Stap 3), with fase F2 and toetsdoel PO-midden unless said otherwise. */
export async function maakLeerling(
  ctx: MetApp,
  schoolId: string,
  l: {
    leerlingId: string;
    boomLeerlingnummer?: string | null;
    fase?: string | null;
    toetsdoel?: string | null;
  },
) {
  await beheer(ctx, 'PUT', `/scholen/${schoolId}/leerlingen/${l.leerlingId}`, {
    boomLeerlingnummer: l.boomLeerlingnummer ?? null,
    fase: l.fase === undefined ? 'F2' : l.fase,
    toetsdoel: l.toetsdoel === undefined ? 'PO-midden' : l.toetsdoel,
  });
}

/** A test in the catalogue, with its onderdelen. */
export async function maakToets(
  ctx: MetApp,
  code = 'BLVS-SP',
  vak = 'spelling',
  onderdelen = ['WOORDEN', 'WERKWOORDEN'],
) {
  await beheer(ctx, 'PUT', `/toetsen/${code}`, {
    naam: `Toets ${code}`,
    vak,
    onderdelen: onderdelen.map((o) => ({ code: o, naam: o.toLowerCase() })),
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

export function aanlevering(resultaten: unknown[], berichtId: string = randomUUID()) {
  return { berichtId, verzondenOp: '2026-02-04T10:15:22Z', resultaten };
}
