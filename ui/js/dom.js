// Building the page from data without innerHTML: every text goes in as a text node, so nothing that
// Boom or an operator typed can become markup (and the CSP forbids inline script anyway).

/**
 * h('p', { class: 'x', onclick: fn }, 'tekst', kind) → an element. Attributes whose value is false,
 * null or undefined are left out; `on…` attributes become event listeners.
 */
export function h(tag, attrs = {}, ...kinderen) {
  const el = document.createElement(tag);
  zet(el, attrs);
  voegToe(el, kinderen);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The same for SVG (the chart): presentation attributes, never a style attribute. */
export function s(tag, attrs = {}, ...kinderen) {
  const el = document.createElementNS(SVG, tag);
  zet(el, attrs);
  voegToe(el, kinderen);
  return el;
}

function zet(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' && 'checked' in el) el.checked = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function voegToe(el, kinderen) {
  for (const k of kinderen.flat()) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

/** Replaces what `el` holds. */
export function vervang(el, ...kinderen) {
  el.replaceChildren();
  voegToe(el, kinderen);
  return el;
}

const datumTijd = new Intl.DateTimeFormat('nl-NL', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/Amsterdam',
});
const datum = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'medium', timeZone: 'Europe/Amsterdam' });

/** An ISO time as Dutch text, Amsterdam time, inside a <time> so it stays machine-readable. */
export function tijd(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso }, datumTijd.format(new Date(iso)));
}

export function dag(iso) {
  return datum.format(new Date(iso));
}

/** "1 fout" / "3 fouten". */
export function aantal(n, enkel, meervoud) {
  return `${n} ${n === 1 ? enkel : meervoud}`;
}

let volgnummer = 0;
/** A unique id for label/input pairs. */
export function nieuwId(voor = 'veld') {
  volgnummer += 1;
  return `${voor}-${volgnummer}`;
}

/** A labelled form field. */
export function veld(label, invoer, hulp) {
  const id = invoer.id || nieuwId();
  invoer.id = id;
  let hulpEl = null;
  if (hulp) {
    hulpEl = h('span', { class: 'hulp', id: `${id}-hulp` }, hulp);
    invoer.setAttribute('aria-describedby', hulpEl.id);
  }
  return h('div', { class: 'veld' }, h('label', { for: id }, label), invoer, hulpEl);
}

/** A status message inside a view: kind 'ok', 'fout' or 'info'. */
export function bericht(kind, ...tekst) {
  return h('p', { class: `bericht ${kind}`, role: kind === 'fout' ? 'alert' : 'status' }, ...tekst);
}

/** Copies text to the clipboard; falls back to selecting it (plain http has no clipboard API). */
export async function kopieer(invoer) {
  invoer.select();
  try {
    await navigator.clipboard.writeText(invoer.value);
    return true;
  } catch {
    return document.execCommand?.('copy') ?? false;
  }
}
