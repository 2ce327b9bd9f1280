import t from 'tap';
import {
  afnamedatum,
  EERSTE_AFNAMEDATUM,
  isEchteDatum,
  morgenInAmsterdam,
  tijdstip,
} from '../../src/schema/datum.js';
import { code32, sleutelTekst, tekst, tekstFout, zoekOngeldigeTekst } from '../../src/schema/tekst.js';

// The date rules (src/schema/datum.ts) and the text rules (src/schema/tekst.ts) one by one, each with its
// exact melding and on both sides of its boundary; no database, no app (fast: the mutation tests of
// docs/mutation-testing.md run this file for every mutant of those modules, group `schema`).

/** The issues of a zod schema for a value, as melding strings ([] when valid). */
// biome-ignore lint/suspicious/noExplicitAny: any zod schema
const meldingen = (schema: any, v: unknown): string[] => {
  const uit = schema.safeParse(v);
  return uit.success ? [] : uit.error.issues.map((i: { message: string }) => i.message);
};

/**
 * Runs `fn` with the clock at `iso`: `new Date()` answers that moment (as in schema-regels.test.ts); `utc`
 * counts the calls of Date.UTC, which only working out tomorrow makes.
 */
function opKlok<T>(iso: string, fn: (klok: { utc: number; zet(iso: string): void }) => T): T {
  const echt = globalThis.Date;
  const klok = {
    ms: echt.parse(iso),
    utc: 0,
    zet(iso: string) {
      klok.ms = echt.parse(iso);
    },
  };
  class KlokDate extends echt {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(klok.ms);
      else super(args[0] as string);
    }
    static override UTC(...args: Parameters<typeof Date.UTC>) {
      klok.utc++;
      return echt.UTC(...args);
    }
  }
  globalThis.Date = KlokDate as DateConstructor;
  try {
    return fn(klok);
  } finally {
    globalThis.Date = echt;
  }
}

t.test('afnamedatum: from 2000-01-01, with its melding', async (t) => {
  t.equal(EERSTE_AFNAMEDATUM, '2000-01-01');
  t.same(meldingen(afnamedatum, '1999-12-31'), ['ligt voor 2000-01-01']);
  t.same(meldingen(afnamedatum, '0001-01-01'), ['ligt voor 2000-01-01']);
  t.same(meldingen(afnamedatum, '2000-01-01'), [], 'the first day accepted');
  t.same(meldingen(afnamedatum, '2000-01-02'), []);
});

t.test('afnamedatum: up to tomorrow in Europe/Amsterdam, at a UTC hour boundary', async (t) => {
  // Winter (UTC+1): at 22:59:59.999 UTC it is still the 3rd in Amsterdam, a millisecond later the 4th.
  opKlok('2026-02-03T22:59:59.999Z', (klok) => {
    t.equal(morgenInAmsterdam(), '2026-02-04');
    t.same(meldingen(afnamedatum, '2026-02-04'), [], 'tomorrow');
    t.same(meldingen(afnamedatum, '2026-02-05'), ['ligt na morgen'], 'the day after');
    klok.zet('2026-02-03T23:00:00.000Z');
    t.equal(morgenInAmsterdam(), '2026-02-05');
    t.same(meldingen(afnamedatum, '2026-02-05'), [], 'now tomorrow');
    t.same(meldingen(afnamedatum, '2026-02-06'), ['ligt na morgen']);
  });
  // Summer (UTC+2): the date changes at 22:00 UTC.
  opKlok('2026-07-01T21:59:59.999Z', (klok) => {
    t.same(meldingen(afnamedatum, '2026-07-02'), []);
    t.same(meldingen(afnamedatum, '2026-07-03'), ['ligt na morgen']);
    klok.zet('2026-07-01T22:00:00.000Z');
    t.same(meldingen(afnamedatum, '2026-07-03'), []);
    t.same(meldingen(afnamedatum, '2026-07-04'), ['ligt na morgen']);
  });
  // The same boundaries given as a moment.
  t.equal(morgenInAmsterdam(new Date('2026-02-03T22:59:59.999Z')), '2026-02-04');
  t.equal(morgenInAmsterdam(new Date('2026-02-03T23:00:00.000Z')), '2026-02-05');
  t.equal(morgenInAmsterdam(new Date('2026-03-31T21:59:59.999Z')), '2026-04-01', 'into the next month');
  t.equal(morgenInAmsterdam(new Date('2026-03-31T22:00:00.000Z')), '2026-04-02');
  t.equal(morgenInAmsterdam(new Date('2027-12-31T12:00:00Z')), '2028-01-01', 'into the next year');
});

t.test('morgenInAmsterdam(): worked out once per UTC hour, again in the next', async (t) => {
  opKlok('2026-02-03T21:00:00.000Z', (klok) => {
    t.equal(morgenInAmsterdam(), '2026-02-04');
    const na = klok.utc;
    t.ok(na >= 1, 'worked out');
    klok.zet('2026-02-03T21:59:59.999Z');
    t.equal(morgenInAmsterdam(), '2026-02-04');
    t.equal(klok.utc, na, 'later in the same UTC hour: the answer kept');
    klok.zet('2026-02-03T22:00:00.000Z');
    t.equal(morgenInAmsterdam(), '2026-02-04');
    t.equal(klok.utc, na + 1, 'the next hour: worked out again');
    klok.zet('2026-02-03T23:00:00.000Z');
    t.equal(morgenInAmsterdam(), '2026-02-05', 'and in the hour after that, tomorrow has moved');
  });
});

t.test('afnamedatum: a real date of the calendar, else its melding; the form first', async (t) => {
  t.same(meldingen(afnamedatum, '2026-02-29'), ['is geen bestaande datum'], '2026 is no leap year');
  t.same(meldingen(afnamedatum, '2024-02-29'), [], 'a leap day');
  t.same(meldingen(afnamedatum, '2028-02-29'), ['ligt na morgen'], 'a real date, but after tomorrow');
  for (const v of ['2026-02-30', '2026-04-31', '2026-00-10', '2026-13-01', '2026-01-00', '2026-01-32'])
    t.same(meldingen(afnamedatum, v), ['is geen bestaande datum'], v);
  t.equal(isEchteDatum('2026-02-28'), true);
  t.equal(isEchteDatum('2026-02-29'), false);
  t.equal(isEchteDatum('2028-02-29'), true);
  t.equal(isEchteDatum('2100-02-29'), false, 'a century is no leap year');
  t.equal(isEchteDatum('2000-02-29'), true, 'but every 400 years it is');
  t.equal(isEchteDatum('2026-01-32'), false, 'no such day at all');
  t.equal(isEchteDatum('2026-12-31'), true);
  // A string JavaScript reads as a date and writes back the same, but not in the form YYYY-MM-DD.
  t.equal(isEchteDatum('+010000-01'), false, 'the form is checked, not only the round trip');
  // Only the form's melding when the form is wrong (no second "is geen bestaande datum").
  for (const v of [
    '2026-2-3',
    '2026-02-3',
    '2026-2-03',
    '202-02-03',
    '20260-02-03',
    '2026-020-03',
    '2026-02-030',
    '2026/02/03',
    '2026-02-03T00:00:00Z',
    'x2026-02-03',
    '2026-02-03x',
    ' 2026-02-03',
    'abcd-ef-gh',
    '2026-0a-03',
    '',
  ]) {
    t.same(meldingen(afnamedatum, v), ['moet YYYY-MM-DD zijn'], JSON.stringify(v));
    t.equal(isEchteDatum(v), false, JSON.stringify(v));
  }
});

t.test('date-times: RFC 3339 with an offset, in the years 1900–9999, offsets up to ±15:59', async (t) => {
  const jaren = 'moet in de jaren 1900–9999 liggen';
  const offset = 'mag hoogstens 15:59 van UTC afwijken';
  t.same(meldingen(tijdstip, '1899-12-31T23:59:59Z'), [jaren], '1899');
  t.same(meldingen(tijdstip, '0000-01-01T00:00:00Z'), [jaren]);
  t.same(meldingen(tijdstip, '1900-01-01T00:00:00Z'), [], '1900');
  t.same(meldingen(tijdstip, '9999-12-31T23:59:59Z'), [], '9999');
  t.same(meldingen(tijdstip, '9999-12-31T23:59:59-15:59'), [], '9999 as written, whatever its offset');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22+15:59'), [], '+15:59');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22-15:59'), [], '-15:59');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22.123+15:59'), [], 'with fractions of a second');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22+16:00'), [offset], '+16:00');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22-16:00'), [offset], '-16:00');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22.5+23:59'), [offset], '+23:59');
  t.same(meldingen(tijdstip, '1899-12-31T23:59:59+16:00'), [jaren, offset], 'both named');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22Z'), [], 'Z');
  t.same(meldingen(tijdstip, '2026-02-04T10:15:22+00:00'), []);
  // A malformed one is named by the format alone, not also by its years (the offset's check reads only the
  // string's end: 'x+16:00' gets both meldingen).
  for (const v of [
    'x',
    '2026-02-04',
    '2026-02-04T10:15:22',
    'x2026-02-04T10:15:22Z',
    '99999-01-01T00:00:00Z',
    '2026-02-30T10:00:00Z',
  ])
    t.equal(meldingen(tijdstip, v).length, 1, v);
});

t.test('tekst: lengths, then NUL and lone surrogates, each with its melding', async (t) => {
  const nul = 'mag geen NUL-teken bevatten';
  const surrogaat = 'bevat een losse UTF-16-surrogaat';
  t.equal(tekstFout('a\u0000b'), nul);
  t.equal(tekstFout('\u0000'), nul);
  t.equal(tekstFout('\ud800'), surrogaat, 'a lone high surrogate');
  t.equal(tekstFout('a\udc00'), surrogaat, 'a lone low surrogate');
  t.equal(tekstFout('\udc00\ud800'), surrogaat, 'a pair the wrong way round');
  t.equal(tekstFout('\ud83d\ude00'), undefined, 'a well-formed surrogate pair (😀) is text');
  t.equal(tekstFout('gewoon, ook é en ß'), undefined);
  t.equal(tekstFout(''), undefined);
  t.equal(tekstFout('\u0000\ud800'), nul, 'both: named by the first check');

  const s = tekst(2, 5);
  t.same(meldingen(s, 'ab'), []);
  t.same(meldingen(s, 'abcde'), []);
  t.same(meldingen(tekst(1, 1), '\ud83d\ude00'), [], 'a well-formed pair is text (zod counts it as one)');
  t.equal(meldingen(s, 'a').length, 1, 'too short');
  t.equal(meldingen(s, 'abcdef').length, 1, 'too long');
  t.same(meldingen(s, 'a\u0000'), [nul]);
  t.same(meldingen(s, 'a\ud800'), [surrogaat]);
  t.same(meldingen(s, 'ab\u0000\ud800'), [nul]);
  t.same(meldingen(tekst(), 'x'.repeat(200)), [], 'by default 1–200');
  t.equal(meldingen(tekst(), 'x'.repeat(201)).length, 1);
  t.equal(meldingen(tekst(), '').length, 1);
  t.same(meldingen(code32, 'x'.repeat(32)), [], 'code32: 32');
  t.equal(meldingen(code32, 'x'.repeat(33)).length, 1, 'code32: 33');
  t.same(meldingen(code32, '\u0000'), [nul]);
});

t.test('sleutelTekst: 1–max characters from [A-Za-z0-9._:-], with its melding', async (t) => {
  const s = sleutelTekst(4);
  const melding = '1–4 tekens uit [A-Za-z0-9._:-]';
  for (const v of ['a', 'Az09', '._:-', 'Z']) t.same(meldingen(s, v), [], v);
  for (const v of ['', 'abcde', 'a b', 'a/b', 'ä', 'a\u0000', '\ud800', 'ab\n'])
    t.same(meldingen(s, v), [melding], JSON.stringify(v));
  t.same(meldingen(sleutelTekst(128), 'x'.repeat(128)), []);
  t.same(meldingen(sleutelTekst(128), 'x'.repeat(129)), ['1–128 tekens uit [A-Za-z0-9._:-]']);
});

t.test('zoekOngeldigeTekst: every string and key, in order, with its path', async (t) => {
  const nul = 'mag geen NUL-teken bevatten';
  const surrogaat = 'bevat een losse UTF-16-surrogaat';
  t.strictSame(zoekOngeldigeTekst({ a: 'ok', b: [1, true, null, 'ok', { c: 'ok' }] }, 10), {
    fouten: [],
    aantal: 0,
  });
  t.strictSame(
    zoekOngeldigeTekst('a\u0000', 10),
    { fouten: [{ pad: [], melding: nul }], aantal: 1 },
    'the body itself',
  );
  t.strictSame(zoekOngeldigeTekst(null, 10), { fouten: [], aantal: 0 });
  t.strictSame(zoekOngeldigeTekst(['\ud83d\ude00'], 10), { fouten: [], aantal: 0 }, 'a well-formed pair');

  const waarde = {
    eerste: '\u0000',
    lijst: ['\ud800', 'ok', { 'sleutel\u0000': 'verborgen \u0000', diep: ['x', 'y\u0000'] }],
    [`k${'\ud800'}`]: 'ok',
    null: null,
    laatste: 'z\u0000',
  };
  t.strictSame(
    zoekOngeldigeTekst(waarde, 10),
    {
      fouten: [
        // A bad key is found when its object is reached (before the values in it), and named by where it
        // is, never by itself; its value is not looked at.
        { pad: [], melding: `een veldnaam ${surrogaat}` },
        { pad: ['eerste'], melding: nul },
        { pad: ['lijst', 0], melding: surrogaat },
        { pad: ['lijst', 2], melding: `een veldnaam ${nul}` },
        { pad: ['lijst', 2, 'diep', 1], melding: nul },
        { pad: ['laatste'], melding: nul },
      ],
      aantal: 6,
    },
    'values in the order of the document',
  );
  const twee = zoekOngeldigeTekst(waarde, 2);
  t.strictSame(
    twee.fouten.map((f) => f.pad),
    [[], ['eerste']],
    'the first max findings',
  );
  t.equal(twee.aantal, 6, 'and how many in all');
  t.strictSame(zoekOngeldigeTekst(waarde, 0), { fouten: [], aantal: 6 });
  t.strictSame(
    zoekOngeldigeTekst(['a\u0000', 'b'], 1).fouten,
    [{ pad: [0], melding: nul }],
    'the first element too',
  );
  // An index in a path is a number, a key a string (strictSame: [0] is not ['0']).
  t.strictSame(zoekOngeldigeTekst({ '0': ['\u0000'] }, 1).fouten[0]?.pad, ['0', 0]);
});

t.test('zoekOngeldigeTekst: a key shows at most 64 characters, a path at most 32 steps', async (t) => {
  const k64 = 'k'.repeat(64);
  const k65 = 'k'.repeat(65);
  t.strictSame(zoekOngeldigeTekst({ [k64]: '\u0000' }, 1).fouten[0]?.pad, [k64], '64: whole');
  t.strictSame(zoekOngeldigeTekst({ [k65]: '\u0000' }, 1).fouten[0]?.pad, [`${k64}…`], '65: cut');
  // Cut by characters, not UTF-16 units: a pair is not split.
  const lach = '\ud83d\ude00'.repeat(65);
  t.strictSame(zoekOngeldigeTekst({ [lach]: '\u0000' }, 1).fouten[0]?.pad, [`${'\ud83d\ude00'.repeat(64)}…`]);

  const diep = (n: number) => {
    let w: unknown = '\u0000';
    for (let i = 0; i < n; i++) w = [w];
    return w;
  };
  const nullen = (n: number) => Array.from({ length: n }, () => 0);
  t.strictSame(zoekOngeldigeTekst(diep(32), 1).fouten[0]?.pad, nullen(32), '32 steps: whole');
  t.strictSame(
    zoekOngeldigeTekst(diep(33), 1).fouten[0]?.pad,
    [...nullen(32), '…'],
    '33 steps: the first 32',
  );
  t.strictSame(zoekOngeldigeTekst(diep(100_000), 1).fouten[0]?.pad, [...nullen(32), '…'], 'no recursion');
  const gemengd = { a: [{ b: '\u0000' }] };
  t.strictSame(zoekOngeldigeTekst(gemengd, 1).fouten[0]?.pad, ['a', 0, 'b'], 'keys and indexes in order');
});
