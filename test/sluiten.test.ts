import net from 'node:net';
import t from 'tap';
import { buildTestApp } from './helpers/app.js';

// While the service stops (SIGTERM: close-with-grace → app.close()), requests in flight finish, and a
// request that still arrives on a kept-alive connection is refused as every rejection is: problem+json
// with a stable code, Retry-After, and the connection closed (Fastify's own 503 is plain JSON).

t.test('a request arriving while the server closes: 503 problem+json NIET_BESCHIKBAAR', async (t) => {
  const ctx = await buildTestApp(t);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  let ontvangen = '';
  socket.on('data', (d) => {
    ontvangen += d;
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  // A request in flight: its body has not all arrived when the server starts to close.
  socket.write(
    'POST /v1/beheer/scholen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      `Authorization: ${ctx.beheer.authorization}\r\nContent-Length: 16\r\n\r\n{"naam":"`,
  );
  await new Promise((r) => setTimeout(r, 50));
  const gesloten = ctx.app.close();
  await new Promise((r) => setTimeout(r, 20));
  // The rest of that body, and a second request behind it on the same connection.
  socket.write('Stopt"}GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
  await gesloten;
  await new Promise((r) => setTimeout(r, 50));
  const antwoorden = ontvangen.split(/(?=HTTP\/1\.1 )/);
  t.equal(antwoorden.length, 2, 'two answers');
  t.match(antwoorden[0], /^HTTP\/1\.1 201 /, 'the request in flight finished');
  const tweede = antwoorden[1] ?? '';
  t.match(tweede, /^HTTP\/1\.1 503 /, 'the later request: 503');
  t.match(tweede, /content-type: application\/problem\+json/i, 'problem+json');
  t.match(tweede, /retry-after: 5/i, 'Retry-After');
  t.match(tweede, /connection: close/i, 'the connection is closed');
  t.match(tweede, /"code":"NIET_BESCHIKBAAR"/, 'the stable code');
  const { rows } = await ctx.sql.query(`SELECT naam FROM scholen WHERE naam = 'Stopt'`);
  t.equal(rows.length, 1, 'the request in flight was committed');
});
