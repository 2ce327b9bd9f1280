import { api } from './api.js';
import { aantal, bericht, h, veld, vervang } from './dom.js';
import { gepagineerd } from './lijst.js';

/**
 * The Boom test catalogue: what TOETS_NIET_GEVONDEN and TOETSONDERDEEL_NIET_GEVONDEN are fixed by.
 * `?toets=X&onderdeel=Y` (the link next to such an error) opens the form with them filled in.
 */
export async function toonCatalogus(main, query) {
  const code = h('input', { name: 'code', required: true, maxlength: 64, value: query.get('toets') ?? '' });
  const naam = h('input', { name: 'naam', required: true, maxlength: 200 });
  const vak = h('input', { name: 'vak', required: true, maxlength: 32 });
  const onderdelen = h('textarea', { name: 'onderdelen', rows: 4 });
  const staat = h('div', { 'aria-live': 'polite' });

  async function vulIn() {
    const c = code.value.trim();
    if (!c) return;
    let bestaand;
    try {
      bestaand = await api('GET', `/toetsen/${encodeURIComponent(c)}`);
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    const regels = (bestaand?.onderdelen ?? []).map((o) => `${o.code} ${o.naam}`);
    const extra = query.get('onderdeel');
    if (extra && !bestaand?.onderdelen.some((o) => o.code === extra))
      regels.push(`${extra} ${extra.toLowerCase()}`);
    naam.value = bestaand?.naam ?? naam.value;
    vak.value = bestaand?.vak ?? vak.value;
    onderdelen.value = regels.join('\n');
  }

  const form = h(
    'form',
    {},
    veld('Code', code, 'Boom’s code van de toets, bijvoorbeeld BLVS-SP'),
    veld('Naam', naam),
    veld('Vak', vak, 'de code waarop de DLE-normen staan, bijvoorbeeld spelling'),
    veld('Onderdelen', onderdelen, 'één per regel: code, spatie, naam (bijvoorbeeld: WOORDEN Woorden)'),
    h('button', { type: 'submit' }, 'Toets opslaan'),
    staat,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const delen = onderdelen.value
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [c, ...n] = r.split(/\s+/);
        return { code: c, naam: n.join(' ') || c };
      });
    try {
      const a = await api('PUT', `/toetsen/${encodeURIComponent(code.value.trim())}`, {
        naam: naam.value.trim(),
        vak: vak.value.trim(),
        onderdelen: delen,
      });
      vervang(
        staat,
        bericht('ok', `Toets ${a.code} opgeslagen: ${aantal(a.geheeld, 'fout', 'fouten')} opgelost.`),
      );
      lijst.herlaad();
    } catch (err) {
      vervang(staat, bericht('fout', err.message));
    }
  });
  code.addEventListener('change', () => vulIn().catch((err) => vervang(staat, bericht('fout', err.message))));

  const lijst = gepagineerd({
    naam: 'Toetscatalogus',
    kolommen: ['Code', 'Naam', 'Vak', 'Onderdelen'],
    leeg: 'De catalogus is leeg.',
    laad: (cursor) => api('GET', '/toetsen', undefined, { cursor, limit: 50 }),
    rij: (t) =>
      h(
        'tr',
        {},
        h('td', { class: 'code' }, t.code),
        h('td', {}, t.naam),
        h('td', { class: 'code' }, t.vak),
        h('td', {}, t.onderdelen.map((o) => `${o.code} (${o.naam})`).join(', ') || '—'),
      ),
  });
  vervang(
    main,
    h('h1', { tabindex: '-1' }, 'Toetscatalogus'),
    h(
      'section',
      { class: 'blok', 'aria-labelledby': 'kop-toets' },
      h('h2', { id: 'kop-toets' }, 'Toets toevoegen of wijzigen'),
      h(
        'p',
        { class: 'hulp' },
        'Open foutmeldingen die op deze toets wachten worden meteen opnieuw verwerkt.',
      ),
      form,
    ),
    h(
      'section',
      { class: 'blok', 'aria-labelledby': 'kop-catalogus' },
      h('h2', { id: 'kop-catalogus' }, 'Alle toetsen'),
      lijst.el,
    ),
  );
  await Promise.all([vulIn(), lijst.herlaad()]);
}
