import { toonAanbiedingen } from './aanbiedingen.js';
import { ApiFout, api, bijOngeldigToken, token } from './api.js';
import { toonCatalogus } from './catalogus.js';
import { bericht, h, veld, vervang } from './dom.js';
import { toonFouten } from './fouten.js';
import { toonNummers } from './nummers.js';
import { toonResultaten } from './resultaten.js';
import { toonScholen, toonSchool } from './scholen.js';

const main = document.getElementById('inhoud');
const menu = document.getElementById('menu');

/** #/pad/delen?k=v → { delen, query }. */
function route() {
  const [pad, q = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { delen: pad.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

const schoolTabs = {
  '': toonSchool,
  aanbiedingen: toonAanbiedingen,
  fouten: toonFouten,
  'boom-nummers': toonNummers,
  resultaten: toonResultaten,
};

async function toon() {
  if (!token.lees()) return inloggen();
  menu.hidden = false;
  const { delen, query } = route();
  const [wat, id, tab = ''] = delen;
  for (const a of menu.querySelectorAll('a'))
    a.toggleAttribute('aria-current', a.dataset.menu === (wat === 'catalogus' ? 'catalogus' : 'scholen'));
  vervang(main, h('p', { class: 'laden', role: 'status' }, 'Laden…'));
  try {
    if (wat === 'school' && id && tab in schoolTabs) await schoolTabs[tab](main, id, query);
    else if (wat === 'catalogus') await toonCatalogus(main, query);
    else await toonScholen(main, query);
  } catch (e) {
    if (!(e instanceof ApiFout)) throw e;
    if (e.status === 401) return;
    vervang(
      main,
      h('h1', { tabindex: '-1' }, 'Dit lukte niet'),
      bericht('fout', e.message, ' ', h('button', { type: 'button', onclick: toon }, 'Opnieuw proberen')),
    );
  }
  // Keyboard and screen reader users land on the new view's heading, not at the top of the page.
  main.querySelector('h1')?.focus();
}

function inloggen(fout) {
  menu.hidden = true;
  const invoer = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
  });
  const staat = h('div', { 'aria-live': 'polite' });
  if (fout) staat.append(bericht('fout', fout));
  const form = h(
    'form',
    { class: 'inloggen' },
    veld(
      'Operatortoken',
      invoer,
      'Staat in OPERATOR_TOKEN of, zonder die, in ./.data/operator-token van de service.',
    ),
    h('button', { type: 'submit' }, 'Inloggen'),
    staat,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    token.zet(invoer.value.trim());
    vervang(staat, h('p', { class: 'laden', role: 'status' }, 'Controleren…'));
    try {
      await api('GET', '/scholen', undefined, { limit: 1 });
      toon();
    } catch (err) {
      token.wis();
      vervang(staat, bericht('fout', err.message));
      invoer.focus();
    }
  });
  vervang(
    main,
    h('h1', { tabindex: '-1' }, 'Inloggen'),
    h('p', {}, 'Voor SchoolKr8-operators en Beheerders: log in met het operatortoken van deze koppeling.'),
    form,
  );
  invoer.focus();
}

bijOngeldigToken((fout) => {
  token.wis();
  inloggen(fout.message);
});

document.getElementById('uitloggen').addEventListener('click', () => {
  token.wis();
  inloggen();
});

window.addEventListener('hashchange', toon);
toon();
