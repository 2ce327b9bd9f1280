import { api } from './api.js';
import { aantal, bericht, h, nieuwId, tijd, veld, vervang } from './dom.js';
import { gepagineerd } from './lijst.js';
import { schoolKop } from './school-kop.js';

export const CODES = {
  LEERLING_NIET_GEVONDEN: 'Boom-leerlingnummer niet gevonden',
  TOETS_NIET_GEVONDEN: 'Toets niet gevonden',
  TOETSONDERDEEL_NIET_GEVONDEN: 'Toetsonderdeel niet gevonden',
  GEEN_TOETSDOEL: 'Leerling heeft geen toetsdoel',
  REVISIE_CONFLICT: 'Zelfde revisie, andere inhoud',
};

const STATUS = { open: 'Open', opgelost: 'Opgelost', genegeerd: 'Genegeerd', '': 'Alle' };

/** Foutmeldingen: the open ones first, filterable by code, each with its fix next to it. */
export async function toonFouten(main, schoolId, query) {
  const school = await schoolKop(main, schoolId, 'fouten', 'Foutmeldingen');
  const status = h(
    'select',
    { name: 'status' },
    Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v)),
  );
  status.value = query.get('status') ?? 'open';
  const code = h(
    'select',
    { name: 'code' },
    h('option', { value: '' }, 'Alle codes'),
    Object.entries(CODES).map(([k, v]) => h('option', { value: k }, `${k} — ${v}`)),
  );
  code.value = query.get('code') ?? '';
  const uitkomst = h('div', { class: 'uitkomst', 'aria-live': 'polite' });
  const ctx = { school, uitkomst, herlaad: () => lijst.herlaad() };

  const lijst = gepagineerd({
    naam: 'Foutmeldingen',
    leeg: 'Geen foutmeldingen met dit filter.',
    laad: (cursor) =>
      api('GET', '/fouten', undefined, {
        schoolId: school.id,
        status: status.value,
        code: code.value,
        cursor,
        limit: 20,
      }),
    rij: (f) => foutKaart(f, ctx),
  });

  const filter = h(
    'form',
    { class: 'rij', 'aria-label': 'Filter' },
    veld('Status', status),
    veld('Code', code),
    h('button', { type: 'submit' }, 'Filteren'),
  );
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    history.replaceState(null, '', `#/school/${school.id}/fouten?status=${status.value}&code=${code.value}`);
    lijst.herlaad();
  });
  for (const sel of [status, code]) sel.addEventListener('change', () => filter.requestSubmit());

  const allemaal = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          const a = await api('POST', '/fouten/opnieuw', {
            schoolId: school.id,
            ...(code.value ? { code: code.value } : {}),
          });
          const delen = Object.entries(a.perStatus)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${n} ${k}`);
          vervang(
            uitkomst,
            bericht(
              delen.length ? 'ok' : 'info',
              delen.length
                ? `Alle passende open foutmeldingen opnieuw verwerkt: ${delen.join(', ')}.`
                : 'Er waren geen open foutmeldingen die passen.',
            ),
          );
          await lijst.herlaad();
        } catch (e) {
          vervang(uitkomst, bericht('fout', e.message));
        }
      },
    },
    'Alle passende open foutmeldingen opnieuw proberen',
  );

  main.append(
    h(
      'p',
      { class: 'hulp' },
      'Een foutmelding wordt vanzelf opnieuw verwerkt zodra de oplossing hier (of via de API) is ingevoerd.',
    ),
    filter,
    h('div', { class: 'knoppen' }, allemaal),
    uitkomst,
    lijst.el,
  );
  await lijst.herlaad();
}

function foutKaart(f, ctx) {
  const kopId = nieuwId('fout');
  const kaart = h(
    'li',
    { class: `kaart ${f.status}`, 'aria-labelledby': kopId, 'data-fout': f.id },
    h(
      'h3',
      { id: kopId },
      h('span', { class: `etiket ${f.status}` }, STATUS[f.status]),
      ' ',
      CODES[f.code] ?? f.code,
      ' ',
      h('span', { class: 'code' }, f.code),
    ),
    h('p', {}, f.melding),
    h(
      'dl',
      { class: 'gegevens klein' },
      h('dt', {}, 'Resultaat'),
      h('dd', { class: 'code' }, `${f.resultaatKey} (revisie ${f.revisie})`),
      h('dt', {}, 'Toets'),
      h(
        'dd',
        { class: 'code' },
        f.toetsonderdeelCode ? `${f.toetsCode} / ${f.toetsonderdeelCode}` : f.toetsCode,
      ),
      h('dt', {}, 'Boom-leerlingnummer'),
      h('dd', { class: 'code' }, f.boomLeerlingnummer),
      h('dt', {}, 'Ontstaan'),
      h('dd', {}, tijd(f.aangemaaktOp)),
      h('dt', {}, 'Pogingen'),
      h('dd', {}, f.pogingen, ', laatste ', tijd(f.laatstePogingOp)),
      f.opgelostOp ? [h('dt', {}, 'Opgelost'), h('dd', {}, tijd(f.opgelostOp))] : null,
    ),
  );
  if (f.status === 'open') kaart.append(oplossing(f, ctx), acties(f, ctx));
  return kaart;
}

/** Runs an action and shows what happened above the list; then the list is loaded again. */
async function doe(ctx, fn) {
  try {
    vervang(ctx.uitkomst, bericht('info', 'Bezig…'));
    vervang(ctx.uitkomst, await fn());
    await ctx.herlaad();
    // The card that held the focused button is gone after the reload: the focus goes to what happened.
    const p = ctx.uitkomst.firstElementChild;
    if (p) {
      p.tabIndex = -1;
      p.focus();
    }
  } catch (e) {
    vervang(ctx.uitkomst, bericht('fout', e.message));
  }
}

function geheeldTekst(n) {
  return `${aantal(n, 'fout', 'fouten')} opgelost`;
}

/** A pupil of this school by leerlingId, or undefined. */
async function vindLeerling(schoolId, wat, veldNaam) {
  const { items } = await api('GET', `/scholen/${schoolId}/leerlingen`, undefined, { zoek: wat, limit: 50 });
  return items.find((l) => l[veldNaam] === wat);
}

function oplossing(f, ctx) {
  const s = ctx.school;
  if (f.code === 'LEERLING_NIET_GEVONDEN') {
    const lijstId = nieuwId('leerlingen');
    const datalist = h('datalist', { id: lijstId });
    const leerling = h('input', { name: 'leerlingId', required: true, list: lijstId, autocomplete: 'off' });
    const nummer = h('input', { name: 'boomLeerlingnummer', required: true, value: f.boomLeerlingnummer });
    let wacht;
    leerling.addEventListener('input', () => {
      clearTimeout(wacht);
      wacht = setTimeout(async () => {
        try {
          const { items } = await api('GET', `/scholen/${s.id}/leerlingen`, undefined, {
            zoek: leerling.value.trim(),
            limit: 20,
          });
          vervang(
            datalist,
            items.map((l) =>
              h(
                'option',
                { value: l.leerlingId },
                l.boomLeerlingnummer ? `nu ${l.boomLeerlingnummer}` : 'nog geen nummer',
              ),
            ),
          );
        } catch {}
      }, 200);
    });
    const form = h(
      'form',
      { class: 'oplossing rij', 'aria-label': `Boom-nummer invoeren voor ${f.resultaatKey}` },
      veld('Leerling (leerlingId)', leerling, 'Kies de leerling die dit Boom-nummer heeft'),
      datalist,
      veld('Boom-leerlingnummer', nummer),
      h('button', { type: 'submit' }, 'Nummer opslaan'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      doe(ctx, async () => {
        const id = leerling.value.trim();
        if (!(await vindLeerling(s.id, id, 'leerlingId')))
          return bericht('fout', `Leerling ${id} bestaat niet bij deze school.`);
        const a = await api('PUT', `/scholen/${s.id}/leerlingen/${encodeURIComponent(id)}`, {
          boomLeerlingnummer: nummer.value.trim(),
        });
        return bericht('ok', `Boom-nummer opgeslagen bij ${a.leerlingId}: ${geheeldTekst(a.geheeld)}.`);
      });
    });
    return form;
  }
  if (f.code === 'TOETS_NIET_GEVONDEN' || f.code === 'TOETSONDERDEEL_NIET_GEVONDEN') {
    const q = new URLSearchParams({ toets: f.toetsCode });
    if (f.code === 'TOETSONDERDEEL_NIET_GEVONDEN' && f.toetsonderdeelCode)
      q.set('onderdeel', f.toetsonderdeelCode);
    return h(
      'p',
      { class: 'oplossing' },
      h(
        'a',
        { href: `#/catalogus?${q}` },
        f.code === 'TOETS_NIET_GEVONDEN'
          ? `Toets ${f.toetsCode} toevoegen aan de catalogus`
          : `Onderdeel ${f.toetsonderdeelCode} toevoegen aan toets ${f.toetsCode}`,
      ),
    );
  }
  if (f.code === 'GEEN_TOETSDOEL') {
    const doel = h('input', { name: 'toetsdoel', required: true, maxlength: 32 });
    const form = h(
      'form',
      { class: 'oplossing rij', 'aria-label': `Toetsdoel invullen voor ${f.resultaatKey}` },
      veld('Toetsdoel van de leerling met dit Boom-nummer', doel),
      h('button', { type: 'submit' }, 'Toetsdoel opslaan'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      doe(ctx, async () => {
        const l = await vindLeerling(s.id, f.boomLeerlingnummer, 'boomLeerlingnummer');
        if (!l) return bericht('fout', 'Geen leerling van deze school heeft (nog) dit Boom-nummer.');
        const a = await api('PUT', `/scholen/${s.id}/leerlingen/${encodeURIComponent(l.leerlingId)}`, {
          toetsdoel: doel.value.trim(),
        });
        return bericht('ok', `Toetsdoel opgeslagen bij ${a.leerlingId}: ${geheeldTekst(a.geheeld)}.`);
      });
    });
    return form;
  }
  return h(
    'p',
    { class: 'oplossing hulp' },
    'Alleen Boom kan dit oplossen, met een nieuwe revisie. Klopt het huidige resultaat, negeer de melding dan.',
  );
}

function acties(f, ctx) {
  return h(
    'div',
    { class: 'knoppen' },
    h(
      'button',
      {
        type: 'button',
        onclick: () =>
          doe(ctx, async () => {
            const a = await api('POST', `/fouten/${f.id}/opnieuw`);
            return a.uitkomst.status === 'fout'
              ? bericht(
                  'fout',
                  `${f.resultaatKey} opnieuw geprobeerd: nog steeds een fout (${a.uitkomst.fout?.code ?? a.code}).`,
                )
              : bericht('ok', `${f.resultaatKey} opnieuw geprobeerd: ${a.uitkomst.status}.`);
          }),
      },
      'Opnieuw proberen',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'stil',
        onclick: () =>
          doe(ctx, async () => {
            await api('POST', `/fouten/${f.id}/negeren`);
            return bericht(
              'ok',
              `${f.resultaatKey} genegeerd: deze melding wordt niet meer vanzelf opnieuw verwerkt.`,
            );
          }),
      },
      'Negeren',
    ),
  );
}
