import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { testServerUrl } from '../helpers/database.js';
import { aanbieding, maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 16: the publication boom_koppeling (migrations/0009) carries the changes of a delivery to a
// logical-replication slot, as Debezium or a subscriber would read them (pgoutput, the built-in plugin).
// A slot needs wal_level = logical: the embedded server runs that way, the machine's server may not.

async function walLevel(): Promise<string> {
  const c = new pg.Client({ connectionString: testServerUrl() });
  await c.connect();
  try {
    return (await c.query('SHOW wal_level')).rows[0].wal_level;
  } finally {
    await c.end();
  }
}

const level = await walLevel();
const skip =
  level === 'logical' ? false : `the server has wal_level = ${level}; a logical slot needs logical`;

/** pgoutput's messages: 'R' names a relation by id, 'I'/'U'/'D' change a row of one (protocol version 1). */
function tel(berichten: Buffer[]): Record<string, Record<string, number>> {
  const namen = new Map<number, string>();
  const perTabel: Record<string, Record<string, number>> = {};
  for (const b of berichten) {
    const soort = String.fromCharCode(b[0] ?? 0);
    if (soort === 'R') {
      const id = b.readUInt32BE(1);
      const schemaEind = b.indexOf(0, 5);
      const naamEind = b.indexOf(0, schemaEind + 1);
      namen.set(id, b.subarray(schemaEind + 1, naamEind).toString('utf8'));
    } else if (soort === 'I' || soort === 'U' || soort === 'D') {
      const naam = namen.get(b.readUInt32BE(1)) ?? '?';
      perTabel[naam] ??= {};
      const t = perTabel[naam];
      t[soort] = (t[soort] ?? 0) + 1;
    }
  }
  return perTabel;
}

t.test('a slot on the publication boom_koppeling receives the changes of a delivery', { skip }, async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
  const slot = `boomk_test_${randomBytes(4).toString('hex')}`;
  await ctx.sql.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
  try {
    const res = await lever(
      ctx,
      s.auth,
      aanbieding([
        resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
        resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '999' }),
      ]),
    );
    t.equal(res.statusCode, 200);
    // A change to a table outside the publication is not sent.
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '222' });

    // Decoding reads only WAL that is flushed, and the test server commits with synchronous_commit=off: a
    // transaction that commits synchronously flushes everything before it.
    await ctx.sql.query('BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_current_xact_id(); COMMIT');
    const berichten: Buffer[] = [];
    for (let poging = 0; poging < 50 && (tel(berichten).wijzigingen?.I ?? 0) < 3; poging++) {
      const { rows } = await ctx.sql.query(
        `SELECT data FROM pg_logical_slot_get_binary_changes($1, NULL, NULL,
                'proto_version', '1', 'publication_names', 'boom_koppeling')`,
        [slot],
      );
      berichten.push(...rows.map((r) => r.data as Buffer));
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    t.same(tel(berichten), {
      aanbiedingen: { I: 1 },
      toetsresultaten: { I: 1 },
      resultaat_revisies: { I: 1 },
      foutmeldingen: { I: 1 },
      wijzigingen: { I: 3 },
    });
  } finally {
    // A forgotten slot holds WAL on the server (and keeps the test database from being dropped).
    await ctx.sql.query('SELECT pg_drop_replication_slot($1)', [slot]);
  }
  const { rows: over } = await ctx.sql.query(
    'SELECT count(*)::int AS n FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  t.equal(over[0].n, 0, 'the slot is gone');
});
