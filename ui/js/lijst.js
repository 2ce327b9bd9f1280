import { ApiFout } from './api.js';
import { bericht, h, vervang } from './dom.js';

/**
 * A list that pages with the API's cursor: the first page, then "Meer laden" for the next, never
 * everything at once. Loading, empty and error states are shown where the list is.
 *
 * laad(cursor) → { items, volgende }; rij(item) → a <tr> (with kolommen) or an <li>.
 */
export function gepagineerd({ laad, rij, leeg, kolommen, naam }) {
  const el = h('div', { class: 'lijst' });
  const staat = h('div', { class: 'lijst-staat' });
  const meer = h('button', { type: 'button', class: 'meer', hidden: true }, 'Meer laden');
  let lichaam;
  let houder;
  if (kolommen) {
    lichaam = h('tbody');
    houder = h(
      'div',
      { class: 'tabel-houder' },
      h(
        'table',
        {},
        naam ? h('caption', { class: 'sr' }, naam) : null,
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            kolommen.map((k) => h('th', { scope: 'col' }, k)),
          ),
        ),
        lichaam,
      ),
    );
  } else {
    lichaam = h('ul', { class: 'kaarten', 'aria-label': naam });
    houder = lichaam;
  }
  el.append(houder, staat, meer);
  let volgende = null;
  let generatie = 0;

  async function haal(cursor) {
    const deze = ++generatie;
    meer.hidden = true;
    vervang(staat, h('p', { class: 'laden', role: 'status' }, 'Laden…'));
    try {
      const antwoord = await laad(cursor ?? undefined);
      if (deze !== generatie) return;
      vervang(staat);
      for (const item of antwoord.items) lichaam.append(rij(item));
      volgende = antwoord.volgende;
      meer.hidden = volgende === null;
      houder.hidden = lichaam.children.length === 0;
      if (lichaam.children.length === 0) vervang(staat, h('p', { class: 'leeg' }, leeg));
    } catch (e) {
      if (deze !== generatie) return;
      // A fault in the page itself is not the API's: it is said here and thrown on (to the console, and to
      // the browser tests, which fail on it).
      const melding =
        e instanceof ApiFout ? e.message : 'Er ging iets mis op deze pagina. Herlaad de pagina.';
      vervang(
        staat,
        bericht(
          'fout',
          melding,
          ' ',
          h('button', { type: 'button', onclick: () => haal(cursor) }, 'Opnieuw proberen'),
        ),
      );
      if (!(e instanceof ApiFout)) throw e;
    }
  }

  meer.addEventListener('click', () => haal(volgende));

  return {
    el,
    lichaam,
    /** From the first page again (after a change, or a new filter). */
    herlaad() {
      lichaam.replaceChildren();
      return haal(null);
    },
  };
}
