import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { standaardSchool } from '../helpers/fixtures.js';

const LIMIET = 8 * 1024 * 1024;

interface Gezien {
  status?: number;
  type?: string;
  connection?: string;
  body?: string;
  fouten: string[];
}

/**
 * Posts `body` with node's http client, writing all of it whatever the server answers, and waits until
 * the request is closed: what the client saw, including any error after the answer (EPIPE, ECONNRESET).
 */
function post(
  port: number,
  headers: Record<string, string>,
  body: Buffer,
  chunked: boolean,
): Promise<Gezien> {
  return new Promise((resolve) => {
    const gezien: Gezien = { fouten: [] };
    let antwoordKlaar = false;
    let verzoekDicht = false;
    const misschienKlaar = () => {
      if (antwoordKlaar && verzoekDicht) resolve(gezien);
    };
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/boom/resultaten',
      agent: false,
      headers: {
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': String(body.length) }),
        ...headers,
      },
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      gezien.fouten.push(err.code ?? err.message);
      antwoordKlaar = true;
    });
    req.on('close', () => {
      verzoekDicht = true;
      misschienKlaar();
    });
    req.on('response', (res) => {
      gezien.status = res.statusCode;
      gezien.type = res.headers['content-type'];
      gezien.connection = res.headers.connection;
      let tekst = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (tekst += c));
      res.on('error', (err: NodeJS.ErrnoException) => gezien.fouten.push(err.code ?? err.message));
      res.on('close', () => {
        gezien.body = tekst;
        antwoordKlaar = true;
        misschienKlaar();
      });
    });
    // In pieces, as a client streaming a file would.
    const stuk = 64 * 1024;
    for (let i = 0; i < body.length; i += stuk) req.write(body.subarray(i, i + stuk));
    req.end();
  });
}

/** A client that writes its whole request before it reads a byte (as many simple clients do). */
function eerstSchrijvenDanLezen(
  port: number,
  sleutel: string,
  body: Buffer,
): Promise<{ antwoord: string; fout?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let antwoord = '';
    let fout: string | undefined;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      fout = err.code ?? err.message;
    });
    socket.on('close', () => resolve({ antwoord, ...(fout ? { fout } : {}) }));
    socket.pause();
    socket.write(
      'POST /v1/boom/resultaten HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${sleutel}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body, () => {
      socket.on('data', (c) => (antwoord += c.toString('utf8')));
      socket.resume();
    });
  });
}

t.test('a body over BODY_LIMIT_BYTES gets a 413 problem+json the sender reads, not a reset', async (t) => {
  const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: String(LIMIET) });
  const s = await standaardSchool(ctx);
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (ctx.app.server.address() as AddressInfo).port;
  const body = Buffer.alloc(2 * LIMIET, ' ');
  const problem = {
    type: 'urn:boom-koppeling:fout:TE_GROOT',
    title: 'De body is groter dan toegestaan',
    status: 413,
    code: 'TE_GROOT',
    instance: '/v1/boom/resultaten',
  };
  let pogingen = 0;
  for (const chunked of [false, true]) {
    for (let i = 0; i < 3; i++) {
      pogingen++;
      const res = await post(port, s.auth, body, chunked);
      t.same(res.fouten, [], `no error at the sender (${chunked ? 'chunked' : 'content-length'})`);
      t.equal(res.status, 413);
      t.equal(res.type, 'application/problem+json; charset=utf-8');
      t.same(JSON.parse(res.body ?? 'null'), problem);
    }
  }
  for (let i = 0; i < 3; i++) {
    pogingen++;
    const res = await eerstSchrijvenDanLezen(port, s.sleutel, body);
    t.equal(res.fout, undefined, 'a client that writes everything first sees no reset');
    t.match(res.antwoord, /^HTTP\/1\.1 413 /);
    t.same(JSON.parse(res.antwoord.slice(res.antwoord.indexOf('\r\n\r\n') + 4)), problem);
  }
  // Every refused delivery with a valid key is recorded (CONTRACT §2), as before.
  const { rows } = await ctx.sql.query(
    'SELECT afgewezen_status, afgewezen_code, count(*)::int AS n FROM aanbiedingen GROUP BY 1, 2',
  );
  t.same(rows, [{ afgewezen_status: 413, afgewezen_code: 'TE_GROOT', n: pogingen }]);
});

t.test('a wrong key with a large body gets its 401, not a reset', async (t) => {
  const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: String(LIMIET) });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (ctx.app.server.address() as AddressInfo).port;
  const res = await eerstSchrijvenDanLezen(port, 'bk_onbekend', Buffer.alloc(2 * LIMIET, ' '));
  t.equal(res.fout, undefined);
  t.match(res.antwoord, /^HTTP\/1\.1 401 /);
  t.match(res.antwoord, /"code":"NIET_GEAUTORISEERD"/);
});
