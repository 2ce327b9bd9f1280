import t from 'tap';
import { Foutboek } from '../../src/verwerking/foutboek.js';
import type { BoomResultaat, FoutCode, NieuweFout, OpenFout } from '../../src/verwerking/model.js';

// The Foutboek is pure: these are the rules of CONTRACT §2/§3 for foutmeldingen, one delivery after the
// other, without a database (test/boom/bundels.test.ts checks the same against deliveries sent one by one).

const K = 'school\u0000K\u00001';

function fout(code: FoutCode, aanbiedingId: string | null = 'a1'): NieuweFout {
  return {
    schoolId: 'school',
    aanbiedingId,
    resultaat: { resultaatKey: 'K', revisie: 1 } as BoomResultaat,
    leerlingId: null,
    code,
    melding: code,
  };
}

const open = (code: FoutCode): Map<string, OpenFout> => new Map([[K, { id: 'f1', code }]]);

t.test(
  'within one delivery: an error its revisie got past later in the delivery is not recorded',
  async (t) => {
    const boek = new Foutboek(new Map());
    boek.mislukt(K, fout('LEERLING_NIET_GEVONDEN'));
    boek.gelukt(K, undefined);
    boek.sluitAanbieding();
    t.same(boek.nieuwe(), []);
    t.same(boek.wijzigingen(), []);
  },
);

t.test('one delivery fails, a later one gets through: recorded, and resolved', async (t) => {
  const boek = new Foutboek(new Map());
  boek.mislukt(K, fout('LEERLING_NIET_GEVONDEN'));
  boek.sluitAanbieding();
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  t.same(
    boek.nieuwe().map((n) => [n.fout.code, n.pogingen, n.opgelost]),
    [['LEERLING_NIET_GEVONDEN', 1, true]],
  );
});

t.test(
  'the same failure in two deliveries is one foutmelding with two attempts and the latest content',
  async (t) => {
    const boek = new Foutboek(new Map());
    boek.mislukt(K, fout('LEERLING_NIET_GEVONDEN', 'a1'));
    boek.sluitAanbieding();
    boek.mislukt(K, fout('TOETS_NIET_GEVONDEN', null));
    boek.sluitAanbieding();
    t.same(
      boek.nieuwe().map((n) => [n.fout.code, n.pogingen, n.opgelost, n.fout.aanbiedingId]),
      [['TOETS_NIET_GEVONDEN', 2, false, 'a1']],
      'a retry without a delivery keeps the aanbieding it came in',
    );
  },
);

t.test('an open foutmelding from before: failing again counts, getting through resolves', async (t) => {
  const boek = new Foutboek(open('GEEN_TOETSDOEL'));
  boek.mislukt(K, fout('LEERLING_NIET_GEVONDEN'));
  boek.sluitAanbieding();
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  const [w] = boek.wijzigingen();
  t.same([w?.id, w?.pogingen, w?.gesloten, w?.nieuw?.code], ['f1', 1, true, 'LEERLING_NIET_GEVONDEN']);
  t.same(boek.nieuwe(), []);
});

t.test(
  'a REVISIE_CONFLICT stays open when another delivery gets through, until it is retried itself',
  async (t) => {
    const boek = new Foutboek(open('REVISIE_CONFLICT'));
    boek.gelukt(K, undefined);
    boek.sluitAanbieding();
    t.same(boek.wijzigingen(), [], 'another delivery of the stored content settles nothing');
    boek.gelukt(K, 'f1');
    boek.sluitAanbieding();
    t.same(
      boek.wijzigingen(),
      [{ id: 'f1', pogingen: 1, nieuw: undefined, gesloten: true }],
      'its own retry does',
    );
  },
);

t.test('resolved, then failing again: a new open foutmelding next to the resolved one', async (t) => {
  const boek = new Foutboek(open('GEEN_TOETSDOEL'));
  boek.gelukt(K, undefined);
  boek.sluitAanbieding();
  boek.mislukt(K, fout('REVISIE_CONFLICT'));
  boek.sluitAanbieding();
  t.same(boek.wijzigingen(), [{ id: 'f1', pogingen: 0, nieuw: undefined, gesloten: true }]);
  t.same(
    boek.nieuwe().map((n) => [n.fout.code, n.pogingen, n.opgelost]),
    [['REVISIE_CONFLICT', 1, false]],
  );
});
