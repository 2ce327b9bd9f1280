import t from 'tap';
import { beslis, maskeer } from '../../src/verwerking/beslissing.js';
import type { BoomResultaat } from '../../src/verwerking/model.js';

// beslis() is pure: every branch of CONTRACT §2's handling order and revisie table, without a database
// (test/boom/revisies.test.ts and test/proof/orakel.test.ts check the same through the API).

const r = (o: Partial<BoomResultaat> = {}): BoomResultaat => ({
  resultaatKey: 'K-1',
  revisie: 2,
  reden: 'nieuw',
  boomLeerlingnummer: '4839201',
  toets: { code: 'BLVS-SP' },
  toetsonderdeel: { code: 'WOORDEN' },
  afnamedatum: '2026-02-03',
  ...o,
});
const H = Buffer.from('aa', 'hex');
const ANDERS = Buffer.from('bb', 'hex');
const leerling = { leerlingId: 'LL-1', toetsdoel: 'PO-midden' };
const onderdelen = new Set(['WOORDEN']);
const aan = { id: 's', boomWijzigingenVerwerken: true };
const uit = { id: 's', boomWijzigingenVerwerken: false };

const basis = { resultaat: r(), hash: H, leerling, onderdelen, huidig: undefined, school: aan };

t.test('the lookups, in order, each with its code, melding and pupil', async (t) => {
  t.same(beslis({ ...basis, leerling: undefined, onderdelen: undefined }), {
    status: 'fout',
    fout: {
      code: 'LEERLING_NIET_GEVONDEN',
      melding: 'Boom-leerlingnummer 48… is bij deze school niet bekend',
    },
    leerlingId: null,
  });
  t.same(beslis({ ...basis, onderdelen: undefined, leerling: { leerlingId: 'LL-1', toetsdoel: null } }), {
    status: 'fout',
    fout: { code: 'TOETS_NIET_GEVONDEN', melding: 'Toets BLVS-SP staat niet in de toetscatalogus' },
    leerlingId: 'LL-1',
  });
  t.same(
    beslis({
      ...basis,
      resultaat: r({ toetsonderdeel: { code: 'ZINNEN' } }),
      leerling: { leerlingId: 'LL-1', toetsdoel: null },
    }),
    {
      status: 'fout',
      fout: {
        code: 'TOETSONDERDEEL_NIET_GEVONDEN',
        melding: 'Toetsonderdeel ZINNEN hoort niet bij toets BLVS-SP',
      },
      leerlingId: 'LL-1',
    },
  );
  t.same(beslis({ ...basis, leerling: { leerlingId: 'LL-1', toetsdoel: null } }), {
    status: 'fout',
    fout: { code: 'GEEN_TOETSDOEL', melding: 'De leerling met Boom-leerlingnummer 48… heeft geen toetsdoel' },
    leerlingId: 'LL-1',
  });
  t.same(
    beslis({ ...basis, resultaat: r({ toetsonderdeel: null }), onderdelen: new Set() }),
    { status: 'verwerkt', verwerking: 'toegepast', leerlingId: 'LL-1' },
    'a whole-test result needs no onderdeel',
  );
  t.same(
    beslis({ ...basis, leerling: { leerlingId: 'LL-1', toetsdoel: '' } }).status,
    'verwerkt',
    'an empty toetsdoel is still one',
  );
});

t.test('the revisie table', async (t) => {
  const met = (revisie: number, hash: Buffer, school = aan) =>
    beslis({ ...basis, resultaat: r({ revisie }), hash, huidig: { revisie: 2, hash: H }, school });
  t.same(
    beslis(basis),
    { status: 'verwerkt', verwerking: 'toegepast', leerlingId: 'LL-1' },
    'nothing stored',
  );
  t.same(met(2, Buffer.from('aa', 'hex')), { status: 'dubbel', verwerking: undefined, leerlingId: 'LL-1' });
  t.same(met(2, ANDERS), {
    status: 'fout',
    fout: {
      code: 'REVISIE_CONFLICT',
      melding: 'Revisie 2 van resultaat K-1 kwam eerder met een andere inhoud',
    },
    leerlingId: 'LL-1',
  });
  t.same(met(1, ANDERS), { status: 'verouderd', verwerking: 'verouderd', leerlingId: 'LL-1' });
  t.same(met(1, H, uit), { status: 'verouderd', verwerking: 'verouderd', leerlingId: 'LL-1' });
  t.same(met(3, ANDERS), { status: 'verwerkt', verwerking: 'toegepast', leerlingId: 'LL-1' });
  t.same(met(3, ANDERS, uit), { status: 'overgeslagen', verwerking: 'overgeslagen', leerlingId: 'LL-1' });
  t.same(met(2, H, uit).status, 'dubbel', 'the setting does not matter for the same revisie');
  t.same(
    beslis({
      ...basis,
      resultaat: r({ revisie: 3, reden: 'intrekking' }),
      huidig: { revisie: 2, hash: H },
      school: uit,
    }),
    { status: 'overgeslagen', verwerking: 'overgeslagen', leerlingId: 'LL-1' },
    'an intrekking is a change like any other',
  );
});

t.test('maskeer keeps two code points', async (t) => {
  t.equal(maskeer('4839201'), '48…');
  t.equal(maskeer('4'), '4…');
  t.equal(maskeer('𐀀𐀁𐀂'), '𐀀𐀁…');
});
