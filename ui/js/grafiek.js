import { h, s } from './dom.js';

/**
 * A small bar chart per day, drawn as inline SVG by this script (no chart library): per day a bar of
 * deliveries and a bar of errors. A table with the same numbers follows for who would rather read.
 * dagen: [{ dag: 'ma 2 feb', aanbiedingen, fouten }]
 */
export function dagGrafiek(dagen, titel) {
  const B = 640;
  const H = 180;
  const marge = { links: 36, onder: 34, boven: 10 };
  const hoogste = Math.max(1, ...dagen.flatMap((d) => [d.aanbiedingen, d.fouten]));
  const stap = niceStap(hoogste);
  const top = Math.ceil(hoogste / stap) * stap;
  const breedte = (B - marge.links) / Math.max(1, dagen.length);
  const y = (v) => H - marge.onder - (v / top) * (H - marge.onder - marge.boven);
  const delen = [];
  for (let v = 0; v <= top; v += stap) {
    delen.push(
      s('line', { x1: marge.links, x2: B, y1: y(v), y2: y(v), class: 'raster' }),
      s('text', { x: marge.links - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'as' }, v),
    );
  }
  dagen.forEach((d, i) => {
    const x = marge.links + i * breedte;
    const w = Math.max(2, breedte / 2 - 3);
    delen.push(
      s(
        'rect',
        { x: x + 2, y: y(d.aanbiedingen), width: w, height: y(0) - y(d.aanbiedingen), class: 'staaf-aanbod' },
        s('title', {}, `${d.dag}: ${d.aanbiedingen} aanbiedingen`),
      ),
      s(
        'rect',
        { x: x + 2 + w, y: y(d.fouten), width: w, height: y(0) - y(d.fouten), class: 'staaf-fout' },
        s('title', {}, `${d.dag}: ${d.fouten} fouten`),
      ),
      s(
        'text',
        { x: x + breedte / 2, y: H - marge.onder + 16, 'text-anchor': 'middle', class: 'as' },
        d.kort,
      ),
    );
  });
  const svg = s(
    'svg',
    { viewBox: `0 0 ${B} ${H}`, role: 'img', 'aria-labelledby': 'grafiek-titel', class: 'grafiek' },
    s('title', { id: 'grafiek-titel' }, titel),
    ...delen,
  );
  const legenda = h(
    'p',
    { class: 'legenda' },
    h('span', { class: 'blokje aanbod' }),
    'aanbiedingen ',
    h('span', { class: 'blokje fout' }),
    'fouten (resultaten met een fout, en afgewezen aanbiedingen)',
  );
  const tabel = h(
    'details',
    {},
    h('summary', {}, 'Als tabel'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Dag'),
          h('th', { scope: 'col' }, 'Aanbiedingen'),
          h('th', { scope: 'col' }, 'Fouten'),
        ),
      ),
      h(
        'tbody',
        {},
        dagen.map((d) => h('tr', {}, h('td', {}, d.dag), h('td', {}, d.aanbiedingen), h('td', {}, d.fouten))),
      ),
    ),
  );
  return h('figure', { class: 'grafiek-houder' }, svg, legenda, tabel);
}

function niceStap(max) {
  const ruw = max / 4;
  const macht = 10 ** Math.floor(Math.log10(ruw));
  for (const f of [1, 2, 5, 10]) if (f * macht >= ruw) return Math.max(1, f * macht);
  return Math.max(1, 10 * macht);
}
