import { api } from './api.js';
import { h } from './dom.js';
import { gepagineerd } from './lijst.js';
import { schoolKop } from './school-kop.js';

function getal(v) {
  return v === null ? '—' : String(v).replace('.', ',');
}

/** The school's current results, as SchoolKr8 shows them (red dot: in the Doorstroomgrafiek). */
export async function toonResultaten(main, schoolId) {
  const school = await schoolKop(main, schoolId, 'resultaten', 'Resultaten');
  const lijst = gepagineerd({
    naam: 'Huidige resultaten',
    kolommen: ['Resultaat', 'Leerling', 'Toets', 'Afname', 'DLE', 'Norm', 'Verschil', 'Doorstroomgrafiek'],
    leeg: 'Nog geen verwerkte resultaten.',
    laad: (cursor) => api('GET', `/scholen/${school.id}/resultaten`, undefined, { cursor, limit: 50 }),
    rij: (r) =>
      h(
        'tr',
        { 'data-resultaat': r.resultaatKey },
        h('td', { class: 'code' }, `${r.resultaatKey} (r${r.revisie})`),
        h('td', { class: 'code' }, r.leerlingId),
        h(
          'td',
          { class: 'code' },
          r.toetsonderdeelCode ? `${r.toetsCode} / ${r.toetsonderdeelCode}` : r.toetsCode,
        ),
        h('td', {}, r.afnamedatum),
        h('td', { class: 'getal' }, getal(r.dle)),
        h('td', { class: 'getal' }, getal(r.normDle)),
        h(
          'td',
          { class: 'getal' },
          r.dleVerschil === null ? '—' : `${r.dleVerschil > 0 ? '+' : ''}${getal(r.dleVerschil)}`,
        ),
        h(
          'td',
          {},
          r.inDoorstroomgrafiek
            ? h('span', { class: 'stip', 'aria-label': 'rode stip' }, '●')
            : 'nee (toets niet geactiveerd)',
        ),
      ),
  });
  main.append(lijst.el);
  await lijst.herlaad();
}
