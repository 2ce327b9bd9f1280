import t from 'tap';
import {
  type BinnengekomenAanbieding,
  beslisAanbiedingen,
  beslisHerhalingen,
} from '../../src/verwerking/beslis-bundel.js';
import { aanbiedingHashes, canoniek, inhoudHash } from '../../src/verwerking/inhoud.js';
import {
  type BoomResultaat,
  bezetSleutel,
  type Opgezocht,
  perSchool,
  revisieSleutel,
} from '../../src/verwerking/model.js';

// beslisAanbiedingen() and beslisHerhalingen() are pure: a batch's whole decision — which aanbieding waits
// for a lock, which is a replay or a 409, each result's outcome, the rows and answers to write — from what
// the claim found, without a database (test/boom/bundels*.test.ts check the same through the executor).

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const NU = new Date('2026-12-07T10:00:00.000Z');

const r = (o: Partial<BoomResultaat> = {}): BoomResultaat => ({
  resultaatKey: 'K-1',
  revisie: 1,
  reden: 'nieuw',
  boomLeerlingnummer: '4839201',
  toets: { code: 'BLVS-SP' },
  toetsonderdeel: null,
  afnamedatum: '2026-02-03',
  ...o,
});

function binnen(id: string, schoolId: string, berichtId: string, resultaten: BoomResultaat[]) {
  return {
    id,
    schoolId,
    aanbieding: { berichtId, verzondenOp: '2026-12-07T09:59:00Z', resultaten },
  } satisfies BinnengekomenAanbieding;
}

function opgezocht(o: Partial<Opgezocht> = {}): Opgezocht {
  return {
    nu: NU,
    scholen: new Map([
      [A, true],
      [B, false],
    ]),
    eerder: new Map(),
    leerlingen: new Map([
      [perSchool(A, '4839201'), { leerlingId: 'LL-A', toetsdoel: 'PO' }],
      [perSchool(B, '4839201'), { leerlingId: 'LL-B', toetsdoel: 'PO' }],
    ]),
    toetsen: new Map([['BLVS-SP', new Set<string>()]]),
    huidig: new Map(),
    openFouten: new Map(),
    bezet: new Set(),
    ...o,
  };
}

t.test(
  'new aanbiedingen: answers in order, one aanbieding row each, arrival order in volgnummer',
  async (t) => {
    const a1 = binnen('id-1', A, 'b-1', [r(), r({ resultaatKey: 'K-2', boomLeerlingnummer: 'onbekend' })]);
    const a2 = binnen('id-2', B, 'b-2', [r()]);
    const { besluiten, schrijfwerk } = beslisAanbiedingen([a1, a2], opgezocht());
    t.same(
      besluiten.map((b) => b.soort),
      ['nieuw', 'nieuw'],
    );
    const antwoord1 = besluiten[0]!.soort === 'nieuw' ? besluiten[0]!.antwoord : undefined;
    t.same(antwoord1, {
      berichtId: 'b-1',
      ontvangenOp: NU.toISOString(),
      resultaten: [
        { resultaatKey: 'K-1', revisie: 1, status: 'verwerkt' },
        {
          resultaatKey: 'K-2',
          revisie: 1,
          status: 'fout',
          fout: {
            code: 'LEERLING_NIET_GEVONDEN',
            melding: 'Boom-leerlingnummer on… is bij deze school niet bekend',
          },
        },
      ],
    });
    t.same(
      schrijfwerk.aanbiedingen.map((a) => [
        a.id,
        a.schoolId,
        a.berichtId,
        a.volgnummer,
        a.aantal,
        a.perStatus,
      ]),
      [
        ['id-1', A, 'b-1', 0, 2, { verwerkt: 1, fout: 1 }],
        ['id-2', B, 'b-2', 1, 1, { verwerkt: 1 }],
      ],
    );
    t.ok(schrijfwerk.aanbiedingen[0]!.hash.equals(aanbiedingHashes(a1.aanbieding).geheel), 'the body hash');
    t.equal(schrijfwerk.aanbiedingen[0]!.antwoord, antwoord1, 'the row keeps the answer given');
    t.same(
      schrijfwerk.rijen.map((w) => [
        w.schoolId,
        w.aanbiedingId,
        w.resultaat.resultaatKey,
        w.verwerking,
        w.huidig,
      ]),
      [
        [A, 'id-1', 'K-1', 'toegepast', true],
        [B, 'id-2', 'K-1', 'toegepast', true],
      ],
      'one school key does not touch the other school’s',
    );
    t.ok(schrijfwerk.rijen[0]!.hash.equals(inhoudHash(r())), 'each result with its own hash');
    // What is stored is the canonical JSON that was hashed: the body and each result, one form each.
    t.equal(schrijfwerk.aanbiedingen[0]!.berichtJson, canoniek(a1.aanbieding), 'the body as stored');
    t.equal(schrijfwerk.rijen[0]!.json, canoniek(r()), 'each result as stored');
    t.same(
      schrijfwerk.nieuweFouten.map((f) => [
        f.fout.schoolId,
        f.fout.aanbiedingId,
        f.fout.code,
        f.pogingen,
        f.opgelost,
      ]),
      [[A, 'id-1', 'LEERLING_NIET_GEVONDEN', 1, false]],
    );
    t.same(schrijfwerk.foutWijzigingen, []);
  },
);

t.test('a berichtId accepted before: the same content is a replay, other content a 409', async (t) => {
  const zelfde = binnen('id-1', A, 'b-1', [r()]);
  const ander = binnen('id-2', A, 'b-2', [r({ resultaatKey: 'K-9' })]);
  const eerderAntwoord = { berichtId: 'b-1', ontvangenOp: '2026-12-06T08:00:00.000Z', resultaten: [] };
  const { besluiten, schrijfwerk } = beslisAanbiedingen(
    [zelfde, ander],
    opgezocht({
      eerder: new Map([
        [perSchool(A, 'b-1'), { hash: aanbiedingHashes(zelfde.aanbieding).geheel, antwoord: eerderAntwoord }],
        [perSchool(A, 'b-2'), { hash: Buffer.from('00', 'hex'), antwoord: eerderAntwoord }],
      ]),
    }),
  );
  // Spread: a hole (an aanbieding left undecided) becomes undefined, which t.same would not compare.
  t.strictSame(
    [...besluiten],
    [
      { soort: 'herhaald', antwoord: eerderAntwoord },
      { soort: 'hergebruikt', berichtId: 'b-2' },
    ],
  );
  t.same(
    schrijfwerk,
    { foutWijzigingen: [], rijen: [], nieuweFouten: [], aanbiedingen: [] },
    'nothing to write',
  );
  // Only the versie differs: other content too (the whole result counts, not only the DLE).
  const versie = binnen('id-3', A, 'b-1', [r({ toets: { code: 'BLVS-SP', versie: '2' } })]);
  const opnieuw = beslisAanbiedingen(
    [versie],
    opgezocht({
      eerder: new Map([
        [perSchool(A, 'b-1'), { hash: aanbiedingHashes(zelfde.aanbieding).geheel, antwoord: eerderAntwoord }],
      ]),
    }),
  );
  t.strictSame([...opnieuw.besluiten], [{ soort: 'hergebruikt', berichtId: 'b-1' }]);
});

t.test(
  'a lock held elsewhere: that aanbieding and every later one of its school wait; others go on',
  async (t) => {
    const a1 = binnen('id-1', A, 'b-1', [r({ resultaatKey: 'K-bezet' })]);
    const a2 = binnen('id-2', A, 'b-2', [r({ resultaatKey: 'K-vrij' })]);
    const b1 = binnen('id-3', B, 'b-3', [r({ resultaatKey: 'K-bezet' })]);
    const c = binnen('id-4', A, 'b-bezet', [r({ resultaatKey: 'K-x' })]);
    const { besluiten, schrijfwerk } = beslisAanbiedingen(
      [a1, a2, b1],
      opgezocht({ bezet: new Set([bezetSleutel('sleutel', A, 'K-bezet')]) }),
    );
    t.same(
      besluiten.map((b) => b.soort),
      ['wacht', 'wacht', 'nieuw'],
      "A's later aanbieding waits too (order per school); B's same key is another key",
    );
    t.same(
      schrijfwerk.aanbiedingen.map((a) => [a.id, a.volgnummer]),
      [['id-3', 0]],
    );
    const bericht = beslisAanbiedingen(
      [c],
      opgezocht({ bezet: new Set([bezetSleutel('bericht', A, 'b-bezet')]) }),
    );
    t.strictSame([...bericht.besluiten], [{ soort: 'wacht' }], "a berichtId's lock held elsewhere: waits");
    // One key of two held: the whole aanbieding waits.
    const half = binnen('id-5', A, 'b-5', [r({ resultaatKey: 'K-vrij' }), r({ resultaatKey: 'K-bezet' })]);
    const deels = beslisAanbiedingen(
      [half],
      opgezocht({ bezet: new Set([bezetSleutel('sleutel', A, 'K-bezet')]) }),
    );
    t.strictSame([...deels.besluiten], [{ soort: 'wacht' }], 'one of its keys held: the aanbieding waits');
    t.same(deels.schrijfwerk.rijen, [], 'and writes nothing');
  },
);

t.test('one key twice in a batch: the later aanbieding sees what the earlier decided', async (t) => {
  const eerst = binnen('id-1', A, 'b-1', [r({ revisie: 1 })]);
  const dan = binnen('id-2', A, 'b-2', [r({ revisie: 2, reden: 'hernormering' }), r({ revisie: 1 })]);
  const { besluiten, schrijfwerk } = beslisAanbiedingen([eerst, dan], opgezocht());
  const statussen = besluiten.map((b) =>
    b.soort === 'nieuw' ? b.antwoord.resultaten.map((u) => u.status) : [],
  );
  t.same(statussen, [['verwerkt'], ['verwerkt', 'verouderd']]);
  t.same(
    schrijfwerk.rijen.map((w) => [w.resultaat.revisie, w.verwerking, w.huidig, w.aanbiedingId]),
    [
      [1, 'toegepast', false, 'id-1'],
      [2, 'toegepast', true, 'id-2'],
    ],
    'revisie 1 kept in the history as applied then; revisie 2 becomes the current result',
  );
});

t.test(
  'dubbel writes nothing; a skipped revisie (setting off) is kept in the history as overgeslagen',
  async (t) => {
    const eerder = r({ revisie: 1 });
    const huidig = new Map([
      [perSchool(A, 'K-1'), { revisie: 1, hash: inhoudHash(eerder) }],
      [perSchool(B, 'K-1'), { revisie: 1, hash: inhoudHash(eerder) }],
    ]);
    const dubbel = beslisAanbiedingen([binnen('id-1', A, 'b-1', [eerder])], opgezocht({ huidig }));
    t.same(
      dubbel.besluiten.map((b) =>
        b.soort === 'nieuw' ? b.antwoord.resultaten.map((u) => u.status) : b.soort,
      ),
      [['dubbel']],
    );
    t.same(dubbel.schrijfwerk.rijen, [], 'the same revisie with the same content: no row');
    const hernormering = r({ revisie: 2, reden: 'hernormering' });
    const { besluiten, schrijfwerk } = beslisAanbiedingen(
      [binnen('id-2', B, 'b-2', [hernormering]), binnen('id-3', B, 'b-3', [hernormering])],
      opgezocht({ huidig }),
    );
    t.same(
      besluiten.map((b) => (b.soort === 'nieuw' ? b.antwoord.resultaten.map((u) => u.status) : b.soort)),
      [['overgeslagen'], ['overgeslagen']],
    );
    t.same(
      schrijfwerk.rijen.map((w) => [w.resultaat.revisie, w.verwerking, w.huidig, w.aanbiedingId]),
      [[2, 'overgeslagen', false, 'id-2']],
      'once, with the aanbieding it came in first; the current result stays revisie 1',
    );
  },
);

t.test('retries: outcomes per foutmelding, in order; the open errors they resolve or count', async (t) => {
  const open = r({ resultaatKey: 'K-open', boomLeerlingnummer: '4839201' });
  const nogSteeds = r({ resultaatKey: 'K-nog', boomLeerlingnummer: 'onbekend' });
  const { uitkomsten, schrijfwerk } = beslisHerhalingen(
    [
      {
        schoolId: A,
        fouten: [
          { foutId: 'f-1', resultaat: open },
          { foutId: 'f-2', resultaat: nogSteeds },
        ],
      },
    ],
    opgezocht({
      openFouten: new Map([
        [revisieSleutel(A, 'K-open', 1), { id: 'f-1', code: 'LEERLING_NIET_GEVONDEN' }],
        [revisieSleutel(A, 'K-nog', 1), { id: 'f-2', code: 'LEERLING_NIET_GEVONDEN' }],
      ]),
    }),
  );
  t.same(
    uitkomsten[0]!.map((u) => u.status),
    ['verwerkt', 'fout'],
  );
  t.same(
    schrijfwerk.foutWijzigingen.map((w) => [w.id, w.pogingen, w.gesloten, w.nieuw?.code]),
    [
      ['f-1', 1, true, undefined],
      ['f-2', 1, false, 'LEERLING_NIET_GEVONDEN'],
    ],
  );
  t.same(
    schrijfwerk.rijen.map((w) => [w.aanbiedingId, w.resultaat.resultaatKey, w.verwerking]),
    [[null, 'K-open', 'toegepast']],
    'a retry keeps no aanbieding of its own',
  );
  t.equal(schrijfwerk.rijen[0]!.json, canoniek(open), 'a retried result stored as its canonical JSON');
  t.ok(schrijfwerk.rijen[0]!.hash.equals(inhoudHash(open)), 'with its hash');
  t.same(schrijfwerk.aanbiedingen, [], 'a retry records no aanbieding');
  t.same(schrijfwerk.nieuweFouten, []);
  t.throws(
    () =>
      beslisHerhalingen([{ schoolId: 'onbekend', fouten: [{ foutId: 'f', resultaat: open }] }], opgezocht()),
    /school of a batch was not found/,
  );
});
