import net, { type AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

function problem(code: string, status: number, title: string, instance?: string) {
  return {
    type: `urn:boom-koppeling:fout:${code}`,
    title,
    status,
    code,
    ...(instance === undefined ? {} : { instance }),
  };
}

/** Sends raw bytes over a real socket and answers everything the server wrote before it closed. */
function rauw(port: number, verzoek: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let tekst = '';
    socket.on('data', (c) => (tekst += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('end', () => {
      const scheiding = tekst.indexOf('\r\n\r\n');
      resolve({
        status: Number(tekst.slice(9, 12)),
        headers: tekst.slice(0, scheiding).toLowerCase(),
        body: tekst.slice(scheiding + 4),
      });
    });
    socket.write(verzoek);
  });
}

t.test('what the framework answers before a route runs is problem+json from the catalogue', async (t) => {
  const ctx = await buildTestApp(t);
  const { app } = ctx;

  const onbekend = await app.inject({ method: 'GET', url: '/nergens?x=1' });
  t.equal(onbekend.statusCode, 404);
  t.equal(onbekend.headers['content-type'], PROBLEM);
  t.same(onbekend.json(), problem('NIET_GEVONDEN', 404, 'Niet gevonden', '/nergens'));

  const methode = await app.inject({ method: 'GET', url: '/v1/boom/resultaten' });
  t.equal(methode.statusCode, 405, 'a known path with a method it does not take');
  t.equal(methode.headers['content-type'], PROBLEM);
  t.equal(methode.headers.allow, 'POST');
  t.same(
    methode.json(),
    problem('METHODE_NIET_TOEGESTAAN', 405, 'Methode niet toegestaan', '/v1/boom/resultaten'),
  );
  const school = await app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen/00000000-0000-4000-8000-000000000000',
    headers: ctx.beheer,
  });
  t.equal(school.statusCode, 405, 'a path with a parameter');
  t.equal(school.headers.allow, 'GET, HEAD, PATCH');

  const lang = await app.inject({ method: 'GET', url: `/v1/beheer/toetsen/${'A'.repeat(101)}` });
  t.equal(lang.statusCode, 414, 'a path parameter over the router limit');
  t.equal(lang.headers['content-type'], PROBLEM);
  t.same(
    lang.json(),
    problem(
      'URI_TE_LANG',
      414,
      'Een deel van de URL is langer dan toegestaan',
      `/v1/beheer/toetsen/${'A'.repeat(101)}`,
    ),
  );

  const slecht = await app.inject({ method: 'GET', url: '/v1/beheer/toetsen/%E0%A4%A' });
  t.equal(slecht.statusCode, 400, 'malformed percent-encoding');
  t.equal(slecht.headers['content-type'], PROBLEM);
  t.same(
    slecht.json(),
    problem('ONGELDIGE_URL', 400, 'De URL kan niet worden gelezen', '/v1/beheer/toetsen/%E0%A4%A'),
  );

  const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM toetsen');
  t.equal(rows[0].n, 0, 'nothing reached a route');
});

t.test('over a real socket: 414, a bad URL, unparseable HTTP and headers too large', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (ctx.app.server.address() as AddressInfo).port;

  const url = `/v1/boom/resultaten/${'x'.repeat(500)}`;
  const lang = await rauw(
    port,
    `GET /v1/beheer/toetsen/${'A'.repeat(101)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
  );
  t.equal(lang.status, 414);
  t.match(lang.headers, 'content-type: application/problem+json; charset=utf-8');
  t.same(
    JSON.parse(lang.body),
    problem(
      'URI_TE_LANG',
      414,
      'Een deel van de URL is langer dan toegestaan',
      `/v1/beheer/toetsen/${'A'.repeat(101)}`,
    ),
  );

  const nietGevonden = await rauw(port, `GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  t.equal(nietGevonden.status, 404);
  t.match(nietGevonden.headers, 'content-type: application/problem+json');

  const slecht = await rauw(
    port,
    'GET /v1/beheer/toetsen/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  );
  t.equal(slecht.status, 400);
  t.match(JSON.parse(slecht.body), { code: 'ONGELDIGE_URL' });

  const kapot = await rauw(port, 'GET / HTTP/1.1\r\nHost x\r\n\r\n');
  t.equal(kapot.status, 400, 'a header line without a colon');
  t.match(kapot.headers, 'content-type: application/problem+json; charset=utf-8');
  t.same(
    JSON.parse(kapot.body),
    problem('ONGELDIGE_AANVRAAG', 400, 'De HTTP-aanvraag kan niet worden gelezen'),
  );

  const groot = await rauw(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Veel: ${'a'.repeat(20_000)}\r\n\r\n`);
  t.equal(groot.status, 431);
  t.match(groot.headers, 'content-type: application/problem+json; charset=utf-8');
  t.same(JSON.parse(groot.body), problem('HEADERS_TE_GROOT', 431, 'De headers zijn groter dan toegestaan'));
});

t.test('a request that does not arrive within REQUEST_TIMEOUT_MS gets a problem+json 408', async (t) => {
  const ctx = await buildTestApp(t, { REQUEST_TIMEOUT_MS: '500' });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (ctx.app.server.address() as AddressInfo).port;
  const traag = await rauw(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n');
  t.equal(traag.status, 408);
  t.match(traag.headers, 'content-type: application/problem+json; charset=utf-8');
  t.same(JSON.parse(traag.body), problem('AANVRAAG_TE_TRAAG', 408, 'De aanvraag kwam niet op tijd binnen'));
});
