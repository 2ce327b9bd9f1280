import { api } from './api.js';
import { h } from './dom.js';

const TABS = [
  ['', 'Koppeling en instellingen'],
  ['aanbiedingen', 'Aanbiedingen'],
  ['fouten', 'Foutmeldingen'],
  ['boom-nummers', 'Boom-nummers'],
  ['resultaten', 'Resultaten'],
];

/** The school's name and the tabs of its screens; answers the school as GET /scholen/{id} shows it. */
export async function schoolKop(main, schoolId, actief, titel) {
  const school = await api('GET', `/scholen/${encodeURIComponent(schoolId)}`);
  const nav = h(
    'nav',
    { class: 'tabs', 'aria-label': `Schermen van ${school.naam}` },
    h(
      'ul',
      {},
      TABS.map(([pad, naam]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: `#/school/${school.id}${pad ? `/${pad}` : ''}`,
              'aria-current': pad === actief ? 'page' : null,
            },
            naam,
            pad === 'fouten' && school.openFouten > 0
              ? h('span', { class: 'teller' }, school.openFouten)
              : null,
          ),
        ),
      ),
    ),
  );
  main.replaceChildren(
    h('p', { class: 'kruimel' }, h('a', { href: '#/scholen' }, 'Scholen'), ' › ', school.naam),
    h('h1', { tabindex: '-1' }, titel),
    nav,
  );
  return school;
}
