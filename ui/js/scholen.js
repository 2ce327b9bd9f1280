import { api } from './api.js';
import { aantal, bericht, h, kopieer, nieuwId, tijd, veld, vervang } from './dom.js';
import { gepagineerd } from './lijst.js';
import { schoolKop } from './school-kop.js';

const KOPPELING = {
  geen: 'Geen koppeling',
  aangevraagd: 'Aangevraagd (sleutel uitgegeven, nog niet in Boom ingevoerd)',
  actief: 'Actief',
  ingetrokken: 'Ingetrokken',
};

/** Scholen: find a school, or make one. */
export async function toonScholen(main, query) {
  const zoek = h('input', { type: 'search', name: 'zoek', value: query.get('zoek') ?? '' });
  const lijst = gepagineerd({
    naam: 'Scholen',
    kolommen: ['School', 'BRIN', 'Koppeling', 'Laatste aanbieding', 'Open fouten'],
    leeg: 'Geen scholen gevonden.',
    laad: (cursor) => api('GET', '/scholen', undefined, { zoek: zoek.value.trim(), cursor, limit: 25 }),
    rij: (s) =>
      h(
        'tr',
        {},
        h('td', {}, h('a', { href: `#/school/${s.id}` }, s.naam)),
        h('td', {}, s.brin ?? '—'),
        h('td', {}, h('span', { class: `etiket ${s.koppeling.status}` }, s.koppeling.status)),
        h('td', {}, tijd(s.laatsteAanbiedingOp)),
        h('td', { class: s.openFouten > 0 ? 'getal let-op' : 'getal' }, s.openFouten),
      ),
  });
  const zoekForm = h(
    'form',
    { class: 'rij', role: 'search' },
    veld('Zoek op naam of BRIN', zoek),
    h('button', { type: 'submit' }, 'Zoeken'),
  );
  zoekForm.addEventListener('submit', (e) => {
    e.preventDefault();
    lijst.herlaad();
  });

  const naam = h('input', { name: 'naam', required: true, maxlength: 200 });
  const brin = h('input', { name: 'brin', maxlength: 4, pattern: '[0-9A-Z]{4}', class: 'kort' });
  const nieuwStaat = h('div');
  const nieuw = h(
    'form',
    { class: 'rij' },
    veld('Naam', naam),
    veld('BRIN (optioneel)', brin, 'vier cijfers of hoofdletters'),
    h('button', { type: 'submit' }, 'School aanmaken'),
  );
  nieuw.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const s = await api('POST', '/scholen', { naam: naam.value.trim(), brin: brin.value.trim() || null });
      location.hash = `#/school/${s.id}`;
    } catch (err) {
      vervang(nieuwStaat, bericht('fout', err.message));
    }
  });

  vervang(
    main,
    h('h1', { tabindex: '-1' }, 'Scholen'),
    zoekForm,
    lijst.el,
    h('details', { class: 'blok' }, h('summary', {}, 'Nieuwe school (Stap 1)'), nieuw, nieuwStaat),
  );
  await lijst.herlaad();
}

/** One school: its koppeling (Stap 1–2), WERKWIJZE (Stap 5) and SCHOOLTOETSEN (Stap 4). */
export async function toonSchool(main, schoolId) {
  const school = await schoolKop(main, schoolId, '', 'Koppeling en instellingen');
  main.append(koppelingBlok(school), werkwijzeBlok(school));
  const toetsen = await schooltoetsenBlok(school);
  main.append(toetsen);
}

function geheim(label, waarde, uitleg) {
  const invoer = h('input', { readonly: true, value: waarde, class: 'geheim', spellcheck: 'false' });
  const staat = h('span', { role: 'status' });
  return h(
    'div',
    { class: 'eenmalig' },
    bericht('info', uitleg),
    veld(label, invoer),
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          vervang(staat, (await kopieer(invoer)) ? 'Gekopieerd.' : 'Geselecteerd: kopieer met Ctrl+C.');
        },
      },
      'Kopiëren',
    ),
    ' ',
    staat,
  );
}

function koppelingBlok(school) {
  const k = school.koppeling;
  const uitkomst = h('div', { 'aria-live': 'polite' });
  const ondertekening =
    typeof k.ondertekening === 'boolean' ? (k.ondertekening ? 'aan' : 'uit') : 'niet bekend';
  const vervolg = (fn) => async () => {
    try {
      await fn();
    } catch (e) {
      vervang(uitkomst, bericht('fout', e.message));
    }
  };
  const bevestig = h('div', { class: 'bevestig', hidden: true });
  const base = `/scholen/${school.id}/koppeling`;
  const blok = h(
    'section',
    { class: 'blok', 'aria-labelledby': 'kop-koppeling' },
    h('h2', { id: 'kop-koppeling' }, 'Koppeling met Boom testcentrum'),
    h(
      'dl',
      { class: 'gegevens' },
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: `etiket ${k.status}` }, KOPPELING[k.status] ?? k.status)),
      h('dt', {}, 'Actief sinds'),
      h('dd', {}, tijd(k.geactiveerdOp)),
      h('dt', {}, 'Laatste aanbieding'),
      h('dd', {}, tijd(school.laatsteAanbiedingOp)),
      h('dt', {}, 'Open foutmeldingen'),
      h('dd', {}, h('a', { href: `#/school/${school.id}/fouten` }, school.openFouten)),
      h('dt', {}, 'Ondertekening (webhook-signature)'),
      h('dd', {}, ondertekening),
    ),
    h(
      'div',
      { class: 'knoppen' },
      h(
        'button',
        {
          type: 'button',
          onclick: vervolg(async () => {
            const a = await api('POST', base);
            vervang(
              uitkomst,
              geheim(
                'Autorisatiesleutel',
                a.autorisatiesleutel,
                'Nieuwe sleutel uitgegeven. Hij staat alleen hier, nu: kopieer hem en geef hem aan de school ' +
                  '(Stap 2: BEHEER > KOPPELEN in Boom testcentrum). Een eerdere sleutel blijft nog 24 uur geldig.',
              ),
            );
            uitkomst.querySelector('input')?.focus();
          }),
        },
        'Nieuwe sleutel uitgeven',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'gevaar',
          onclick: () => {
            bevestig.hidden = false;
            bevestig.querySelector('button')?.focus();
          },
        },
        'Alle sleutels intrekken…',
      ),
      h(
        'button',
        {
          type: 'button',
          onclick: vervolg(async () => {
            const a = await api('POST', `${base}/ondertekening`);
            vervang(
              uitkomst,
              geheim(
                'Ondertekengeheim',
                a.ondertekengeheim,
                'Ondertekening staat aan. Dit geheim staat alleen hier, nu; een vorig geheim blijft 24 uur geldig.',
              ),
            );
            uitkomst.querySelector('input')?.focus();
          }),
        },
        'Ondertekening aan / nieuw geheim',
      ),
      h(
        'button',
        {
          type: 'button',
          onclick: vervolg(async () => {
            await api('DELETE', `${base}/ondertekening`);
            vervang(uitkomst, bericht('ok', 'Ondertekening staat uit.'));
          }),
        },
        'Ondertekening uit',
      ),
    ),
    bevestig,
    uitkomst,
  );
  bevestig.append(
    h('p', {}, 'Boom kan daarna niets meer aanbieden tot er een nieuwe sleutel is. Zeker weten?'),
    h(
      'button',
      {
        type: 'button',
        class: 'gevaar',
        onclick: vervolg(async () => {
          const a = await api('DELETE', base);
          bevestig.hidden = true;
          vervang(uitkomst, bericht('ok', `${aantal(a.ingetrokken, 'sleutel', 'sleutels')} ingetrokken.`));
        }),
      },
      'Ja, alle sleutels intrekken',
    ),
    ' ',
    h('button', { type: 'button', onclick: () => (bevestig.hidden = true) }, 'Annuleren'),
  );
  return blok;
}

function werkwijzeBlok(school) {
  const vink = h('input', {
    type: 'checkbox',
    name: 'verwerken',
    id: 'boom-wijzigingen',
    checked: school.boomWijzigingenVerwerken,
  });
  const staat = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {},
    h('div', { class: 'vinkje' }, vink, h('label', { for: vink.id }, 'BOOM WIJZIGINGEN VERWERKEN')),
    h(
      'p',
      { class: 'hulp' },
      'Aan: een latere revisie van een resultaat (zoals een hernormering) vervangt het huidige resultaat. ' +
        'Uit: de revisie wordt bewaard in de geschiedenis maar overgeslagen.',
    ),
    h('button', { type: 'submit' }, 'Opslaan'),
    staat,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const s = await api('PATCH', `/scholen/${school.id}`, { boomWijzigingenVerwerken: vink.checked });
      vervang(
        staat,
        bericht(
          'ok',
          `Opgeslagen: Boom-wijzigingen worden ${s.boomWijzigingenVerwerken ? '' : 'niet '}verwerkt.`,
        ),
      );
    } catch (err) {
      vervang(staat, bericht('fout', err.message));
    }
  });
  return h(
    'section',
    { class: 'blok', 'aria-labelledby': 'kop-werkwijze' },
    h('h2', { id: 'kop-werkwijze' }, 'Werkwijze (Stap 5)'),
    form,
  );
}

async function schooltoetsenBlok(school) {
  const { toetsen } = await api('GET', `/scholen/${school.id}/schooltoetsen`);
  const actief = new Set(toetsen);
  const staat = h('div', { 'aria-live': 'polite' });
  const lijst = gepagineerd({
    naam: 'Toetsen uit de catalogus',
    leeg: h('span', {}, 'De catalogus is leeg. ', h('a', { href: '#/catalogus' }, 'Toets toevoegen')),
    laad: (cursor) => api('GET', '/toetsen', undefined, { cursor, limit: 50 }),
    rij: (t) => {
      const vink = h('input', {
        type: 'checkbox',
        id: nieuwId('toets'),
        value: t.code,
        checked: actief.has(t.code),
        onchange: (e) => (e.target.checked ? actief.add(t.code) : actief.delete(t.code)),
      });
      return h(
        'li',
        { class: 'vinkje' },
        vink,
        h('label', { for: vink.id }, `${t.naam} (${t.code}, ${t.vak})`),
      );
    },
  });
  const form = h('form', {}, lijst.el, h('button', { type: 'submit' }, 'Opslaan'), staat);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const a = await api('PUT', `/scholen/${school.id}/schooltoetsen`, { toetsen: [...actief] });
      vervang(
        staat,
        bericht('ok', `Opgeslagen: ${aantal(a.toetsen.length, 'toets', 'toetsen')} geactiveerd.`),
      );
    } catch (err) {
      vervang(staat, bericht('fout', err.message));
    }
  });
  lijst.herlaad();
  return h(
    'section',
    { class: 'blok', 'aria-labelledby': 'kop-schooltoetsen' },
    h('h2', { id: 'kop-schooltoetsen' }, 'Schooltoetsen (Stap 4)'),
    h(
      'p',
      { class: 'hulp' },
      'Resultaten van alle toetsen worden bewaard; alleen die van geactiveerde toetsen worden rode stippen in de Doorstroomgrafiek.',
    ),
    form,
  );
}
