import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// Which folder of src/ may import which (docs/ARCHITECTURE.md, "Who may import whom"), read from the
// import statements of every source file: the rule fails here, not in a review.

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');

function bestanden(map: string): string[] {
  return readdirSync(map, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? bestanden(path.join(map, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(map, e.name)]
        : [],
  );
}

/** Every relative import of a file, as a path under src/ (e.g. 'verwerking/index.ts'). */
export function importsVan(bestand: string, tekst = readFileSync(bestand, 'utf8')): string[] {
  const uit: string[] = [];
  for (const m of tekst.matchAll(/\b(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)) {
    const doel = path.resolve(path.dirname(bestand), m[1]!).replace(/\.js$/, '.ts');
    uit.push(path.relative(SRC, doel).split(path.sep).join('/'));
  }
  for (const m of tekst.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) {
    const doel = path.resolve(path.dirname(bestand), m[1]!).replace(/\.js$/, '.ts');
    uit.push(path.relative(SRC, doel).split(path.sep).join('/'));
  }
  return uit;
}

const map = (p: string) => p.split('/')[0]!;

/** The rule, for one import of a file under src/: undefined when allowed, else why not. */
export function overtreding(van: string, naar: string): string | undefined {
  const a = map(van);
  const b = map(naar);
  if (a === b) return undefined;
  if ((a === 'boom' && b === 'beheer') || (a === 'beheer' && b === 'boom')) {
    return 'boom/ and beheer/ never import each other (they share verwerking/, schema/, lib/ and src/*.ts)';
  }
  if (b === 'verwerking' && (a === 'boom' || a === 'beheer') && naar !== 'verwerking/index.ts') {
    return 'boom/ and beheer/ use verwerking/ through verwerking/index.ts only';
  }
  if (a === 'verwerking' && ['boom', 'beheer', 'plugins', 'health', 'ui', 'wijzigingen'].includes(b)) {
    return 'verwerking/ imports no route folder: the rules know nothing of HTTP';
  }
  if (van === 'verwerking/model.ts') return 'verwerking/model.ts imports nothing: it is the vocabulary';
  if (['lib', 'schema', 'db'].includes(a) && ['boom', 'beheer', 'plugins', 'health', 'ui'].includes(b)) {
    return `${a}/ is shared machinery and imports no route folder`;
  }
  return undefined;
}

t.test('the rule itself: what it refuses and what it allows', async (t) => {
  t.ok(overtreding('boom/routes.ts', 'beheer/scholen.ts'), 'boom → beheer');
  t.ok(overtreding('beheer/koppeling.ts', 'boom/handtekening.ts'), 'beheer → boom');
  t.ok(overtreding('boom/ingest.ts', 'verwerking/uitvoerder.ts'), 'boom → a module inside verwerking');
  t.ok(overtreding('beheer/fouten.ts', 'verwerking/model.ts'), 'beheer → verwerking/model.ts directly');
  t.ok(overtreding('verwerking/herverwerk.ts', 'boom/schema.ts'), 'verwerking → boom');
  t.ok(overtreding('verwerking/uitvoerder.ts', 'beheer/heling.ts'), 'verwerking → beheer');
  t.ok(overtreding('verwerking/model.ts', 'schema/tekst.ts'), 'model imports nothing');
  t.ok(overtreding('lib/batcher.ts', 'boom/ingest.ts'), 'lib → boom');
  t.notOk(overtreding('boom/ingest.ts', 'verwerking/index.ts'), 'boom → verwerking/index.ts');
  t.notOk(overtreding('beheer/fouten.ts', 'schema/boom.ts'), 'beheer → the shared schemas');
  t.notOk(overtreding('verwerking/uitvoerder.ts', 'verwerking/claim-sql.ts'), 'inside one folder');
  t.notOk(overtreding('verwerking/herverwerk.ts', 'schema/boom.ts'), 'verwerking → the shared schemas');
  t.same(
    importsVan(
      path.join(SRC, 'boom', 'x.ts'),
      "import { a } from '../verwerking/index.js';\nimport type { B } from './ingest.js';\nexport { c } from '../lib/batcher.js';\nconst d = await import('../beheer/routes.js');",
    ),
    ['verwerking/index.ts', 'boom/ingest.ts', 'lib/batcher.ts', 'beheer/routes.ts'],
    'imports, type imports, re-exports and dynamic imports are all read',
  );
});

t.test('no file under src/ breaks the rule', async (t) => {
  const gevonden: string[] = [];
  const alle = bestanden(SRC);
  t.ok(alle.length > 50, `read ${alle.length} files`);
  for (const bestand of alle) {
    const van = path.relative(SRC, bestand).split(path.sep).join('/');
    for (const naar of importsVan(bestand)) {
      const waarom = overtreding(van, naar);
      if (waarom) gevonden.push(`${van} → ${naar}: ${waarom}`);
    }
  }
  t.same(gevonden, [], 'every import follows docs/ARCHITECTURE.md');
});
