import t from 'tap';
import { boomResultaat, morgenInAmsterdam } from '../../src/schema/boom.js';
import { resultaat } from '../helpers/fixtures.js';

t.test('tomorrow is counted in Europe/Amsterdam, across midnight and daylight saving', async (t) => {
  t.equal(morgenInAmsterdam(new Date('2026-02-03T22:59:59Z')), '2026-02-04', '23:59 in winter (UTC+1)');
  t.equal(morgenInAmsterdam(new Date('2026-02-03T23:00:00Z')), '2026-02-05', 'already the 4th in Amsterdam');
  t.equal(morgenInAmsterdam(new Date('2026-07-01T21:59:59Z')), '2026-07-02', '23:59 in summer (UTC+2)');
  t.equal(morgenInAmsterdam(new Date('2026-07-01T22:00:00Z')), '2026-07-03');
  t.equal(morgenInAmsterdam(new Date('2026-12-31T23:30:00Z')), '2027-01-02', 'over the turn of the year');
  t.equal(morgenInAmsterdam(new Date('2028-02-28T12:00:00Z')), '2028-02-29', 'a leap day');
});

t.test('afnamedatum: a real date, no later than tomorrow', async (t) => {
  const check = (afnamedatum: string) => boomResultaat.safeParse(resultaat({ afnamedatum })).success;
  t.ok(check('2024-02-29'), 'a leap day');
  t.notOk(check('2026-02-29'), 'not a leap year');
  t.notOk(check('2026-13-01'));
  t.notOk(check('26-02-03'));
  t.ok(check(morgenInAmsterdam()), 'tomorrow is accepted');
  const overmorgen = new Date(`${morgenInAmsterdam()}T12:00:00Z`);
  overmorgen.setUTCDate(overmorgen.getUTCDate() + 1);
  t.notOk(check(overmorgen.toISOString().slice(0, 10)), 'the day after tomorrow is not');
});
