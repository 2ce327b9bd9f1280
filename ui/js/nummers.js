import { api } from './api.js';
import { aantal, bericht, h, vervang } from './dom.js';
import { gepagineerd } from './lijst.js';
import { schoolKop } from './school-kop.js';

const REDEN = {
  leerlingId: 'onbekende leerling, of twee keer in de lijst',
  boomLeerlingnummer: 'dit nummer zou bij twee leerlingen horen',
};

/**
 * Boom-nummers in bulk (Stap 3): the school's pupils with their Boom number in an editable table.
 * Pasting a column from a spreadsheet into a cell fills that cell and the ones below it. Saving sends
 * the changed rows in one request: all or nothing; the rows the API rejects are marked where they are.
 */
export async function toonNummers(main, schoolId) {
  const school = await schoolKop(main, schoolId, 'boom-nummers', 'Boom-nummers (Stap 3)');
  const uitkomst = h('div', { class: 'uitkomst', 'aria-live': 'polite' });
  const rijen = [];
  const lijst = gepagineerd({
    naam: 'Leerlingen en hun Boom-leerlingnummer',
    kolommen: ['Leerling', 'Boom-leerlingnummer', 'Melding'],
    leeg: 'Deze school heeft nog geen leerlingen.',
    laad: (cursor) => api('GET', `/scholen/${school.id}/leerlingen`, undefined, { cursor, limit: 100 }),
    rij: (l) => {
      const invoer = h('input', {
        value: l.boomLeerlingnummer ?? '',
        'aria-label': `Boom-leerlingnummer van ${l.leerlingId}`,
        'data-leerling': l.leerlingId,
        maxlength: 64,
        spellcheck: 'false',
        autocomplete: 'off',
      });
      const melding = h('td', { class: 'melding-cel' });
      const tr = h(
        'tr',
        {},
        h('th', { scope: 'row', class: 'code' }, l.leerlingId),
        h('td', {}, invoer),
        melding,
      );
      const rij = { leerlingId: l.leerlingId, oud: l.boomLeerlingnummer ?? '', invoer, tr, melding };
      invoer.addEventListener('paste', (e) => plak(e, rijen.indexOf(rij)));
      invoer.addEventListener('input', () => markeer(rij));
      rijen.push(rij);
      return tr;
    },
  });

  function plak(e, vanaf) {
    const tekst = e.clipboardData?.getData('text/plain') ?? '';
    const regels = tekst.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
    if (regels.length < 2) return;
    e.preventDefault();
    // A column copied from a spreadsheet: one value per line, from this cell downwards; a second
    // column (tab-separated) is ignored, so a copied "nummer<TAB>naam" block also works.
    regels.forEach((r, i) => {
      const rij = rijen[vanaf + i];
      if (!rij) return;
      rij.invoer.value = r.split('\t')[0].trim();
      markeer(rij);
    });
    const over = regels.length - (rijen.length - vanaf);
    vervang(
      uitkomst,
      over > 0
        ? bericht(
            'info',
            `${aantal(over, 'regel', 'regels')} vielen buiten de tabel: laad eerst meer leerlingen.`,
          )
        : bericht('info', `${aantal(regels.length, 'nummer', 'nummers')} geplakt. Controleer en sla op.`),
    );
  }

  function markeer(rij) {
    const gewijzigd = rij.invoer.value.trim() !== rij.oud;
    rij.tr.classList.toggle('gewijzigd', gewijzigd);
    rij.tr.classList.remove('afgewezen');
    rij.invoer.removeAttribute('aria-invalid');
    vervang(rij.melding, gewijzigd ? 'gewijzigd' : '');
  }

  const opslaan = h('button', { type: 'submit' }, 'Opslaan');
  const form = h(
    'form',
    { 'aria-label': 'Boom-nummers in bulk' },
    h(
      'p',
      { class: 'hulp' },
      'Kopieer in Boom testcentrum (of een spreadsheet) een kolom met nummers, zet de cursor in het eerste vak en plak: ' +
        'de nummers vullen dat vak en de vakken eronder. Opslaan is alles of niets.',
    ),
    lijst.el,
    h('div', { class: 'knoppen' }, opslaan),
    uitkomst,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const gewijzigd = rijen.filter((r) => r.invoer.value.trim() !== r.oud);
    const leeg = gewijzigd.filter((r) => r.invoer.value.trim() === '');
    if (leeg.length > 0) {
      for (const r of leeg) afgewezen(r, 'leegmaken kan alleen per leerling (API: PUT …/leerlingen/{id})');
      vervang(uitkomst, bericht('fout', 'Een nummer leegmaken kan hier niet; er is niets opgeslagen.'));
      leeg[0].invoer.focus();
      return;
    }
    if (gewijzigd.length === 0) {
      vervang(uitkomst, bericht('info', 'Er is niets gewijzigd.'));
      return;
    }
    opslaan.disabled = true;
    vervang(uitkomst, h('p', { class: 'laden', role: 'status' }, 'Opslaan…'));
    try {
      const items = gewijzigd.map((r) => ({
        leerlingId: r.leerlingId,
        boomLeerlingnummer: r.invoer.value.trim(),
      }));
      const a = await api('PUT', `/scholen/${school.id}/boom-nummers`, { items });
      for (const r of gewijzigd) {
        r.oud = r.invoer.value.trim();
        markeer(r);
      }
      vervang(
        uitkomst,
        bericht(
          'ok',
          `Opgeslagen: ${aantal(a.bijgewerkt, 'leerling', 'leerlingen')} bijgewerkt, ${aantal(a.geheeld, 'fout', 'fouten')} opgelost.`,
        ),
      );
    } catch (err) {
      const slecht = new Set();
      for (const fout of err.errors) {
        const m = /^items\[(\d+)\]\.(\w+)$/.exec(fout.pad ?? '');
        const r = m ? gewijzigd[Number(m[1])] : undefined;
        if (!r) continue;
        slecht.add(r);
        afgewezen(r, `${fout.melding ?? REDEN[m[2]] ?? 'afgewezen'}`);
      }
      vervang(
        uitkomst,
        bericht(
          'fout',
          slecht.size > 0
            ? `Niets opgeslagen: ${aantal(slecht.size, 'regel is', 'regels zijn')} afgewezen (rood gemarkeerd).`
            : `Niets opgeslagen. ${err.message}`,
        ),
      );
      [...slecht][0]?.invoer.focus();
    } finally {
      opslaan.disabled = false;
    }
  });

  function afgewezen(r, melding) {
    r.tr.classList.add('afgewezen');
    r.invoer.setAttribute('aria-invalid', 'true');
    vervang(r.melding, h('span', { class: 'fouttekst' }, melding));
  }

  main.append(form);
  await lijst.herlaad();
}
