import t from 'tap';
import {
  aanbieding,
  aanbiedingAntwoord,
  aanbiedingAntwoordJson,
  boomResultaat,
  morgenInAmsterdam,
  uitkomst,
} from '../../src/schema/boom.js';
import { dleVan } from '../../src/verwerking/model.js';

// The Boom payload of CONTRACT §2, field by field, without a database or an app (fast: the mutation tests
// of docs/mutation-testing.md run this file for every mutant of src/schema/boom.ts).

const geldig = () => ({
  resultaatKey: 'BTC-R-000123456',
  revisie: 1,
  reden: 'nieuw',
  boomLeerlingnummer: '4839201',
  toets: { code: 'BLVS-SP', versie: 'A' },
  toetsonderdeel: { code: 'WOORDEN' },
  afnamedatum: '2026-02-03',
  toetsscore: {
    aantalOpgaven: 40,
    aantalGoed: 27,
    aantalFout: 13,
    vaardigheidsscore: 143.0,
    vaardigheidsschaal: 'S',
  },
  referentiescores: [
    { code: 'DLE', waarde: '22' },
    { code: 'Percentiel', waarde: '31', vergelijkingsgroep: 'Landelijk' },
  ],
  normversie: '2019',
});

// biome-ignore lint/suspicious/noExplicitAny: a test takes a result apart field by field, valid or not
type Los = Record<string, any>;

/** The issues of one result with a change: [pad, melding] pairs ([] when valid). */
function fouten(wijzig: (r: Los) => void): Array<[string, string]> {
  const r: Los = geldig();
  wijzig(r);
  const uit = boomResultaat.safeParse(r);
  return uit.success ? [] : uit.error.issues.map((i) => [i.path.join('.'), i.message]);
}
const ok = (wijzig: (r: Los) => void) => fouten(wijzig).length === 0;
const x = (n: number) => 'x'.repeat(n);

t.test(
  'the example is valid; the validated form drops unknown fields and makes toetsonderdeel null',
  async (t) => {
    t.same(boomResultaat.parse(geldig()), geldig());
    const zonder = boomResultaat.parse({ ...geldig(), naam: 'Jan', toetsonderdeel: undefined });
    t.equal(zonder.toetsonderdeel, null, 'absent: null');
    t.notOk('naam' in zonder, 'a field outside the contract is dropped');
    t.equal(boomResultaat.parse({ ...geldig(), toetsonderdeel: null }).toetsonderdeel, null);
    const minimaal = geldig() as Record<string, unknown>;
    for (const veld of ['toetsscore', 'referentiescores', 'normversie', 'toetsonderdeel'])
      delete minimaal[veld];
    minimaal.toets = { code: 'X' };
    t.ok(boomResultaat.safeParse(minimaal).success, 'the optional fields are optional');
  },
);

t.test('strings: lengths per field', async (t) => {
  const grenzen: Array<[string, (r: Los, v: string) => void, number, number]> = [
    ['resultaatKey', (r, v) => (r.resultaatKey = v), 1, 128],
    ['boomLeerlingnummer', (r, v) => (r.boomLeerlingnummer = v), 1, 64],
    ['toets.code', (r, v) => (r.toets.code = v), 1, 64],
    ['toets.versie', (r, v) => (r.toets.versie = v), 0, 64],
    ['toetsonderdeel.code', (r, v) => (r.toetsonderdeel.code = v), 1, 64],
    ['normversie', (r, v) => (r.normversie = v), 1, 64],
    ['toetsscore.vaardigheidsschaal', (r, v) => (r.toetsscore.vaardigheidsschaal = v), 1, 64],
    ['referentiescores.1.code', (r, v) => (r.referentiescores[1].code = v), 1, 64],
    ['referentiescores.1.waarde', (r, v) => (r.referentiescores[1].waarde = v), 1, 64],
    [
      'referentiescores.1.vergelijkingsgroep',
      (r, v) => (r.referentiescores[1].vergelijkingsgroep = v),
      1,
      64,
    ],
  ];
  for (const [pad, zet, min, max] of grenzen) {
    t.ok(
      ok((r) => zet(r, x(min))),
      `${pad}: ${min} chars`,
    );
    t.ok(
      ok((r) => zet(r, x(max))),
      `${pad}: ${max} chars`,
    );
    t.same(
      fouten((r) => zet(r, x(max + 1))).map(([p]) => p),
      [pad],
      `${pad}: ${max + 1} chars`,
    );
    if (min > 0)
      t.same(
        fouten((r) => zet(r, x(min - 1))).map(([p]) => p),
        [pad],
        `${pad}: ${min - 1} chars`,
      );
    t.same(
      fouten((r) => zet(r, 'a\u0000')).map(([p]) => p),
      [pad],
      `${pad}: NUL`,
    );
    t.same(
      fouten((r) => zet(r, '\uD800')).map(([p]) => p),
      [pad],
      `${pad}: a lone surrogate`,
    );
  }
});

t.test('revisie, reden and the counts', async (t) => {
  t.ok(ok((r) => (r.revisie = 2_147_483_647)));
  for (const v of [0, -1, 1.5, 2_147_483_648, '1'])
    t.same(
      fouten((r) => (r.revisie = v)).map(([p]) => p),
      ['revisie'],
      `revisie ${v}`,
    );
  for (const v of ['nieuw', 'hernormering', 'correctie', 'intrekking'])
    t.ok(
      ok((r) => (r.reden = v)),
      v,
    );
  t.same(
    fouten((r) => (r.reden = 'anders')).map(([p]) => p),
    ['reden'],
  );
  for (const veld of ['aantalOpgaven', 'aantalGoed', 'aantalFout']) {
    t.ok(
      ok((r) => (r.toetsscore[veld] = 0)),
      `${veld} 0`,
    );
    t.ok(
      ok((r) => (r.toetsscore[veld] = 1_000_000)),
      `${veld} 1e6`,
    );
    for (const v of [-1, 0.5, 1_000_001])
      t.same(
        fouten((r) => (r.toetsscore[veld] = v)).map(([p]) => p),
        [`toetsscore.${veld}`],
        `${veld} ${v}`,
      );
  }
  t.ok(ok((r) => (r.toetsscore.vaardigheidsscore = -1e9)));
  t.ok(ok((r) => (r.toetsscore.vaardigheidsscore = 1e9)));
  t.ok(
    ok((r) => (r.toetsscore = {})),
    'an empty toetsscore',
  );
  for (const v of [-1e9 - 1, 1e9 + 1])
    t.same(
      fouten((r) => (r.toetsscore.vaardigheidsscore = v)).map(([p]) => p),
      ['toetsscore.vaardigheidsscore'],
    );
});

t.test('afnamedatum: YYYY-MM-DD, a real date, no later than tomorrow; each with its melding', async (t) => {
  const datum = (v: string) => fouten((r) => (r.afnamedatum = v));
  // zod runs every check of the field; the first issue is the one that decides.
  t.same(datum('2026-2-3')[0], ['afnamedatum', 'moet YYYY-MM-DD zijn']);
  for (const v of ['x2026-02-03', '2026-02-03x', '2026-02-0a'])
    t.same(datum(v)[0], ['afnamedatum', 'moet YYYY-MM-DD zijn'], v);
  t.same(datum('2026-02-30'), [['afnamedatum', 'is geen bestaande datum']]);
  t.same(datum('2026-00-10'), [['afnamedatum', 'is geen bestaande datum']]);
  t.same(datum('2999-01-01'), [['afnamedatum', 'ligt na morgen']]);
  t.ok(
    ok((r) => (r.afnamedatum = morgenInAmsterdam())),
    'tomorrow',
  );
  t.ok(ok((r) => (r.afnamedatum = '2020-01-01')));
});

t.test('tomorrow is counted in Europe/Amsterdam, across midnight and daylight saving', async (t) => {
  t.equal(morgenInAmsterdam(new Date('2026-02-03T22:59:59Z')), '2026-02-04', '23:59 in winter (UTC+1)');
  t.equal(morgenInAmsterdam(new Date('2026-02-03T23:00:00Z')), '2026-02-05', 'already the 4th in Amsterdam');
  t.equal(morgenInAmsterdam(new Date('2026-07-01T21:59:59Z')), '2026-07-02', '23:59 in summer (UTC+2)');
  t.equal(morgenInAmsterdam(new Date('2026-07-01T22:00:00Z')), '2026-07-03');
  t.equal(morgenInAmsterdam(new Date('2026-12-31T23:30:00Z')), '2027-01-02', 'over the turn of the year');
  t.equal(morgenInAmsterdam(new Date('2028-02-28T12:00:00Z')), '2028-02-29', 'a leap day');
});

t.test('morgenInAmsterdam() without a date is tomorrow now, also asked again', async (t) => {
  const verwacht = morgenInAmsterdam(new Date());
  t.equal(morgenInAmsterdam(), verwacht);
  t.equal(morgenInAmsterdam(), verwacht, 'the second time (worked out once per hour)');
  t.match(verwacht, /^\d{4}-\d{2}-\d{2}$/);
  // A clock an hour later (another UTC hour) is worked out again.
  const nu = Date.now();
  const klok = t.capture(Date, 'now', () => nu + 25 * 3_600_000);
  const echt = globalThis.Date;
  class LaterDate extends echt {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(nu + 25 * 3_600_000);
      else super(args[0] as string);
    }
  }
  globalThis.Date = LaterDate as DateConstructor;
  try {
    t.equal(
      morgenInAmsterdam(),
      morgenInAmsterdam(new echt(nu + 25 * 3_600_000)),
      'a day later, a day further',
    );
    t.not(morgenInAmsterdam(), verwacht);
  } finally {
    globalThis.Date = echt;
    klok();
  }
  t.equal(morgenInAmsterdam(), verwacht, 'and back');
});

t.test('referentiescores: at most 30; a DLE is 0–60 months with at most one decimal', async (t) => {
  const score = (i: number) => ({ code: 'AE', waarde: String(i) });
  t.ok(
    ok((r) => (r.referentiescores = Array.from({ length: 30 }, (_, i) => score(i)))),
    '30',
  );
  t.same(
    fouten((r) => (r.referentiescores = Array.from({ length: 31 }, (_, i) => score(i)))).map(([p]) => p),
    ['referentiescores'],
    '31',
  );
  t.ok(
    ok((r) => (r.referentiescores = [])),
    'none',
  );
  const dle = (waarde: string) => fouten((r) => (r.referentiescores = [{ code: 'DLE', waarde }]));
  for (const w of ['0', '0.0', '9', '22', '22.5', '59.9', '60', '60.0', '05']) t.same(dle(w), [], `DLE ${w}`);
  for (const w of ['60.1', '61', '99', '100', '22.55', '-1', '1e1', '.5', '22.', 'x', ' 22', '22 ', '+5'])
    t.same(
      dle(w),
      [['referentiescores.0.waarde', 'een DLE is 0–60 maanden, met hoogstens één decimaal']],
      `DLE ${w}`,
    );
  t.ok(
    ok((r) => (r.referentiescores = [{ code: 'Percentiel', waarde: '99.99' }])),
    'only a DLE is checked so',
  );
  t.ok(
    ok((r) => (r.referentiescores = [{ code: 'dle', waarde: '99' }])),
    'the code is case-sensitive',
  );
});

t.test('the envelope: berichtId, verzondenOp, 1–1000 results', async (t) => {
  const env = (o: Record<string, unknown>) =>
    aanbieding.safeParse({
      berichtId: 'b-1',
      verzondenOp: '2026-02-04T10:15:22Z',
      resultaten: [geldig()],
      ...o,
    });
  const pad = (o: Record<string, unknown>) => {
    const u = env(o);
    return u.success ? [] : [...new Set(u.error.issues.map((i) => i.path.join('.')))];
  };
  t.ok(env({}).success);
  t.ok(env({ berichtId: `A.z_0:9-${x(120)}` }).success);
  t.ok(env({ berichtId: x(128) }).success);
  for (const b of ['', x(129), 'a b', 'a/b', 'ä'])
    t.same(pad({ berichtId: b }), ['berichtId'], `berichtId ${b}`);
  t.ok(env({ verzondenOp: '2026-02-04T11:15:22+01:00' }).success, 'an offset');
  for (const v of ['2026-02-04', '2026-02-04T10:15:22', 'x'])
    t.same(pad({ verzondenOp: v }), ['verzondenOp'], v);
  const melding = (o: Record<string, unknown>) => env(o).error?.issues.map((i) => i.message);
  t.same(pad({ resultaten: [] }), ['resultaten'], 'none');
  t.same(melding({ resultaten: [] }), ['minstens 1 resultaat']);
  t.ok(env({ resultaten: Array.from({ length: 1000 }, geldig) }).success, '1000');
  t.same(pad({ resultaten: Array.from({ length: 1001 }, geldig) }), ['resultaten'], '1001');
  t.same(melding({ resultaten: Array.from({ length: 1001 }, geldig) }), ['hoogstens 1000 resultaten']);
});

t.test('the answer: its JSON in the schema order, fout only when there is one; dleVan', async (t) => {
  const a = {
    berichtId: 'b',
    ontvangenOp: 'o',
    resultaten: [
      { status: 'verwerkt' as const, revisie: 1, resultaatKey: 'K1' },
      {
        fout: { melding: 'm', code: 'REVISIE_CONFLICT', extra: 1 },
        status: 'fout' as const,
        resultaatKey: 'K2',
        revisie: 2,
        extra: true,
      },
    ],
  };
  const json =
    '{"berichtId":"b","ontvangenOp":"o","resultaten":[{"resultaatKey":"K1","revisie":1,"status":"verwerkt"},' +
    '{"resultaatKey":"K2","revisie":2,"status":"fout","fout":{"code":"REVISIE_CONFLICT","melding":"m"}}]}';
  t.equal(aanbiedingAntwoordJson({ ...a, extra: 1 } as never), json);
  t.same(JSON.parse(json), aanbiedingAntwoord.parse(JSON.parse(json)), 'what the schema describes');
  for (const s of ['verwerkt', 'dubbel', 'verouderd', 'overgeslagen', 'fout'])
    t.ok(aanbiedingAntwoord.safeParse({ ...a, resultaten: [{ ...a.resultaten[0], status: s }] }).success, s);
  t.notOk(aanbiedingAntwoord.safeParse({ ...a, resultaten: [{ ...a.resultaten[0], status: 'x' }] }).success);
  // What the OpenAPI document (/docs) says of fout.code.
  t.equal(
    uitkomst.shape.fout.unwrap().shape.code.description,
    'Waarom het resultaat niet is opgeslagen (een foutmelding voor de school)',
  );

  const r = boomResultaat.parse(geldig());
  t.equal(dleVan(r), '22');
  t.equal(
    dleVan({
      ...r,
      referentiescores: [
        { code: 'AE', waarde: '3' },
        { code: 'DLE', waarde: '7.5' },
      ],
    }),
    '7.5',
  );
  t.equal(dleVan({ ...r, referentiescores: [{ code: 'AE', waarde: '3' }] }), null);
  t.equal(dleVan({ ...r, referentiescores: undefined }), null);
});
