import { api } from './api.js';
import { aantal, bericht, h, tijd, vervang } from './dom.js';
import { dagGrafiek } from './grafiek.js';
import { gepagineerd } from './lijst.js';
import { schoolKop } from './school-kop.js';

const DAGEN = 14;
// The chart pages through at most this many deliveries (500 a page); it says so when there were more.
const MAX_PAGINAS = 10;
const STATUSSEN = ['verwerkt', 'dubbel', 'verouderd', 'overgeslagen', 'fout'];

const dagSleutel = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' });
const dagNaam = new Intl.DateTimeFormat('nl-NL', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'Europe/Amsterdam',
});
const dagKort = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric',
  month: 'numeric',
  timeZone: 'Europe/Amsterdam',
});

function perStatusTekst(p) {
  return (
    STATUSSEN.filter((k) => p[k] > 0)
      .map((k) => `${k} ${p[k]}`)
      .join(' · ') || '—'
  );
}

/** Aanbiedingen: when Boom offered what, how it was handled, and a chart of the last two weeks. */
export async function toonAanbiedingen(main, schoolId) {
  const school = await schoolKop(main, schoolId, 'aanbiedingen', 'Aanbiedingen');
  const overzicht = h('section', { class: 'blok', 'aria-labelledby': 'kop-overzicht' });
  const lijst = gepagineerd({
    naam: 'Aanbiedingen, nieuwste eerst',
    kolommen: ['Ontvangen', 'Bericht', 'Resultaten', 'Per status', 'Afgewezen'],
    leeg: 'Boom heeft voor deze school nog niets aangeboden.',
    laad: (cursor) => api('GET', '/aanbiedingen', undefined, { schoolId: school.id, cursor, limit: 25 }),
    rij: (a) =>
      h(
        'tr',
        { class: a.afgewezen || a.perStatus.fout > 0 ? 'let-op' : null },
        h('td', {}, tijd(a.ontvangenOp)),
        h('td', { class: 'code' }, a.berichtId ?? '—'),
        h('td', { class: 'getal' }, a.aantalResultaten),
        h('td', {}, perStatusTekst(a.perStatus)),
        h(
          'td',
          {},
          a.afgewezen
            ? h('span', { class: 'etiket fout' }, `${a.afgewezen.status} ${a.afgewezen.code}`)
            : '—',
        ),
      ),
  });
  main.append(
    overzicht,
    h(
      'section',
      { class: 'blok', 'aria-labelledby': 'kop-alle' },
      h('h2', { id: 'kop-alle' }, 'Alle aanbiedingen'),
      lijst.el,
    ),
  );
  await Promise.all([laadOverzicht(overzicht, school), lijst.herlaad()]);
}

async function laadOverzicht(el, school) {
  vervang(
    el,
    h('h2', { id: 'kop-overzicht' }, `De laatste ${DAGEN} dagen`),
    h('p', { class: 'laden', role: 'status' }, 'Laden…'),
  );
  const vanaf = new Date(Date.now() - (DAGEN - 1) * 86_400_000);
  vanaf.setUTCHours(0, 0, 0, 0);
  const dagen = new Map();
  for (let i = 0; i < DAGEN; i++) {
    const d = new Date(vanaf.getTime() + i * 86_400_000 + 12 * 3_600_000);
    dagen.set(dagSleutel.format(d), {
      dag: dagNaam.format(d),
      kort: dagKort.format(d),
      aanbiedingen: 0,
      fouten: 0,
    });
  }
  const totaal = Object.fromEntries(STATUSSEN.map((k) => [k, 0]));
  let afgewezen = 0;
  let aanbiedingen = 0;
  let cursor;
  let paginas = 0;
  try {
    do {
      const p = await api('GET', '/aanbiedingen', undefined, {
        schoolId: school.id,
        vanaf: vanaf.toISOString(),
        limit: 500,
        cursor,
      });
      for (const a of p.items) {
        aanbiedingen++;
        for (const k of STATUSSEN) totaal[k] += a.perStatus[k] ?? 0;
        if (a.afgewezen) afgewezen++;
        const d = dagen.get(dagSleutel.format(new Date(a.ontvangenOp)));
        if (!d) continue;
        d.aanbiedingen++;
        d.fouten += (a.perStatus.fout ?? 0) + (a.afgewezen ? 1 : 0);
      }
      cursor = p.volgende ?? undefined;
      paginas++;
    } while (cursor && paginas < MAX_PAGINAS);
  } catch (e) {
    vervang(el, h('h2', { id: 'kop-overzicht' }, `De laatste ${DAGEN} dagen`), bericht('fout', e.message));
    return;
  }
  const tellers = h(
    'ul',
    { class: 'tellers', 'aria-label': 'Resultaten per status' },
    h('li', {}, h('strong', {}, aanbiedingen), aanbiedingen === 1 ? ' aanbieding' : ' aanbiedingen'),
    STATUSSEN.map((k) =>
      h(
        'li',
        { class: k === 'fout' && totaal[k] > 0 ? 'let-op' : null },
        h('strong', {}, totaal[k]),
        ` ${k}`,
      ),
    ),
    h('li', { class: afgewezen > 0 ? 'let-op' : null }, h('strong', {}, afgewezen), ' afgewezen'),
  );
  vervang(
    el,
    h('h2', { id: 'kop-overzicht' }, `De laatste ${DAGEN} dagen`),
    tellers,
    school.openFouten > 0
      ? h(
          'p',
          {},
          `${aantal(school.openFouten, 'open foutmelding', 'open foutmeldingen')}: `,
          h('a', { href: `#/school/${school.id}/fouten` }, 'bekijken en oplossen'),
          '.',
        )
      : h('p', {}, 'Geen open foutmeldingen: alles wat Boom aanbood is verwerkt (of bewust genegeerd).'),
    dagGrafiek([...dagen.values()], `Aanbiedingen en fouten per dag, de laatste ${DAGEN} dagen`),
    cursor ? bericht('info', `Alleen de nieuwste ${aanbiedingen} aanbiedingen zijn meegeteld.`) : null,
  );
}
