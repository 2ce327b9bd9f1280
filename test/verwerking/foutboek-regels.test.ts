import t from 'tap';
import { Foutboek } from '../../src/verwerking/foutboek.js';
import type { BoomResultaat, FoutCode, NieuweFout, OpenFout } from '../../src/verwerking/model.js';

// More of the Foutboek's rules, each on its own (issue 17: the cases its mutation tests showed untested).

const K = 'school\u0000K\u00001';
const L = 'school\u0000L\u00001';

function fout(code: FoutCode, aanbiedingId: string | null = 'a1', key = 'K'): NieuweFout {
  return {
    schoolId: 'school',
    aanbiedingId,
    resultaat: { resultaatKey: key, revisie: 1 } as BoomResultaat,
    leerlingId: null,
    code,
    melding: code,
  };
}
const open = (code: FoutCode, id = 'f1', key = K): Map<string, OpenFout> => new Map([[key, { id, code }]]);
const samenvatting = (boek: Foutboek) =>
  boek.nieuwe().map((n) => [n.fout.resultaat.resultaatKey, n.fout.code, n.pogingen, n.opgelost]);

t.test(
  'a REVISIE_CONFLICT met earlier in a delivery is recorded even when its revisie gets through later',
  async (t) => {
    const boek = new Foutboek(new Map());
    boek.mislukt(K, fout('REVISIE_CONFLICT'));
    boek.gelukt(K, undefined);
    boek.sluitAanbieding();
    t.same(samenvatting(boek), [['K', 'REVISIE_CONFLICT', 1, false]]);
  },
);

t.test('a new REVISIE_CONFLICT stays open when a later delivery of the batch gets through', async (t) => {
  const boek = new Foutboek(new Map());
  boek.mislukt(K, fout('REVISIE_CONFLICT'));
  boek.sluitAanbieding();
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  t.same(samenvatting(boek), [['K', 'REVISIE_CONFLICT', 1, false]]);
  // ...and a new lookup error does not.
  const ander = new Foutboek(new Map());
  ander.mislukt(K, fout('GEEN_TOETSDOEL'));
  ander.sluitAanbieding();
  ander.gelukt(K, undefined);
  ander.sluitAanbieding();
  t.same(samenvatting(ander), [['K', 'GEEN_TOETSDOEL', 1, true]]);
});

t.test(
  'an open foutmelding failing again keeps the aanbieding it came in when a retry has none',
  async (t) => {
    const boek = new Foutboek(open('LEERLING_NIET_GEVONDEN'));
    boek.mislukt(K, fout('TOETS_NIET_GEVONDEN', 'a2'));
    boek.sluitAanbieding();
    boek.mislukt(K, fout('GEEN_TOETSDOEL', null));
    boek.sluitAanbieding();
    const [w] = boek.wijzigingen();
    t.same(
      [w?.pogingen, w?.gesloten, w?.nieuw?.code, w?.nieuw?.aanbiedingId],
      [2, false, 'GEEN_TOETSDOEL', 'a2'],
    );
    t.same(boek.nieuwe(), []);

    const zonder = new Foutboek(open('LEERLING_NIET_GEVONDEN'));
    zonder.mislukt(K, fout('GEEN_TOETSDOEL', null));
    zonder.sluitAanbieding();
    t.equal(zonder.wijzigingen()[0]?.nieuw?.aanbiedingId, null, 'none at all: null');
  },
);

t.test('an operator retry of an open REVISIE_CONFLICT: the retry counts, and resolves it', async (t) => {
  const boek = new Foutboek(open('REVISIE_CONFLICT'));
  boek.gelukt(K, 'f1');
  // The same revisie got through once more in the same retry (no foutId): still the retry of f1.
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  t.same(boek.wijzigingen(), [{ id: 'f1', pogingen: 1, nieuw: undefined, gesloten: true }]);
});

t.test('a retry of another foutmelding id is no retry of this one', async (t) => {
  const boek = new Foutboek(open('REVISIE_CONFLICT'));
  boek.gelukt(K, 'f-ander');
  boek.sluitAanbieding();
  t.same(boek.wijzigingen(), [], 'the conflict stays open, no attempt counted');
  const lookup = new Foutboek(open('GEEN_TOETSDOEL'));
  lookup.gelukt(K, 'f-ander');
  lookup.sluitAanbieding();
  t.same(lookup.wijzigingen(), [{ id: 'f1', pogingen: 0, nieuw: undefined, gesloten: true }]);
});

t.test('an open lookup error retried and getting through: one attempt, resolved', async (t) => {
  const boek = new Foutboek(open('LEERLING_NIET_GEVONDEN'));
  boek.gelukt(K, 'f1');
  boek.sluitAanbieding();
  t.same(boek.wijzigingen(), [{ id: 'f1', pogingen: 1, nieuw: undefined, gesloten: true }]);
  boek.mislukt(K, fout('GEEN_TOETSDOEL'));
  boek.sluitAanbieding();
  t.same(
    boek.wijzigingen(),
    [{ id: 'f1', pogingen: 1, nieuw: undefined, gesloten: true }],
    'closed stays closed',
  );
  t.same(samenvatting(boek), [['K', 'GEEN_TOETSDOEL', 1, false]], 'a new one after it');
});

t.test('untouched open foutmeldingen are no change; new ones come in the order they arose', async (t) => {
  const boek = new Foutboek(open('GEEN_TOETSDOEL', 'f1', L));
  boek.mislukt(K, fout('LEERLING_NIET_GEVONDEN', 'a1', 'K'));
  boek.sluitAanbieding();
  t.same(boek.wijzigingen(), []);
  const M = 'school\u0000M\u00001';
  boek.mislukt(M, fout('TOETS_NIET_GEVONDEN', 'a1', 'M'));
  boek.mislukt(K, fout('TOETS_NIET_GEVONDEN', 'a1', 'K'));
  boek.sluitAanbieding();
  boek.mislukt(K, fout('GEEN_TOETSDOEL', 'a1', 'K'));
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  t.same(samenvatting(boek), [
    ['K', 'TOETS_NIET_GEVONDEN', 2, true],
    ['M', 'TOETS_NIET_GEVONDEN', 1, false],
  ]);
  t.same(boek.wijzigingen(), [], 'the open error of L was never touched');
});
