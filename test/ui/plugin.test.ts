import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

const STRIKT =
  "default-src 'self';base-uri 'self';connect-src 'self';font-src 'self';form-action 'self';" +
  "frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
  "style-src 'self'";

t.test('GET / leads to the page; its files are served with the strict CSP', async (t) => {
  const { app } = await buildTestApp(t);
  const wortel = await app.inject({ method: 'GET', url: '/' });
  t.equal(wortel.statusCode, 302);
  t.equal(wortel.headers.location, '/testcentrum/');

  const pagina = await app.inject({ method: 'GET', url: '/testcentrum/' });
  t.equal(pagina.statusCode, 200);
  t.match(pagina.headers['content-type'], /^text\/html/);
  t.equal(pagina.headers['content-security-policy'], STRIKT);
  t.match(pagina.body, /<script type="module" src="\/testcentrum\/js\/app\.js"><\/script>/);
  t.notMatch(pagina.body, /<script>|style=/, 'no inline script or style in the page');

  // Without the slash (the router ignores it) the same page, whose absolute asset paths still resolve.
  const zonderSlash = await app.inject({ method: 'GET', url: '/testcentrum' });
  t.equal(zonderSlash.statusCode, 200);
  t.equal(zonderSlash.body, pagina.body);

  const js = await app.inject({ method: 'GET', url: '/testcentrum/js/app.js' });
  t.equal(js.statusCode, 200);
  t.match(js.headers['content-type'], /javascript/);
  t.equal(js.headers['content-security-policy'], STRIKT);

  // Only the files that are there: anything else under the prefix is the usual problem+json 404.
  const weg = await app.inject({ method: 'GET', url: '/testcentrum/js/bestaat-niet.js' });
  t.equal(weg.statusCode, 404);
  t.match(weg.headers['content-type'], /^application\/problem\+json/);
  t.equal(weg.json().code, 'NIET_GEVONDEN');
  const omhoog = await app.inject({ method: 'GET', url: '/testcentrum/../package.json' });
  t.not(omhoog.statusCode, 200);
});

t.test('the API keeps the strict CSP; only swagger-ui under /docs allows inline styles', async (t) => {
  const { app } = await buildTestApp(t);
  const api = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(api.headers['content-security-policy'], STRIKT);
  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(docs.statusCode, 200);
  t.equal(
    docs.headers['content-security-policy'],
    STRIKT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  );
});
