// The layering of src/, read from the imports of every source file. Top to bottom:
//   extension     src/extension.ts: wiring only
//   features      src/features/** (views, nodes, commands and webview panels), src/deps.ts (what features get from
//                 activate()), src/walkthrough.ts, src/dev/**
//   machinery     shared VS Code machinery: src/views/**, src/commands/**, src/tree/**, src/webviews/**
//                 (the panel host, the registry)
//   connections   src/connections/**: the store, the manager, the wizard, trust
//   seam          src/ui/**: the UserInput seam every question and message to the person goes through
//   backends      src/backends/**: API clients, models, session sources, enrollment and route-path logic
//   connection model  src/model/connection.ts: the connection records the clients are made from
//   http          src/http/**: the one HTTP core
//   util          src/util/**, and the webviews' pure contracts: the page shell (src/webviews/html.ts), each panel's
//                 message protocol, its static page and the script that runs in the webview
//                 (src/webviews/<panel>/{protocol,page,main}.ts)
// A module may import its own layer and the layers below it, never one above. The five lowest layers are pure: no
// `vscode` import at all (not even `import type`), so they run and are tested in plain Node.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');

interface Layer {
  name: string;
  pure: boolean;
  has(file: string): boolean;
}

const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);
const WEBVIEW_CONTRACT = /^src\/webviews\/(html\.ts|[^/]+\/(protocol|page|main)\.ts)$/;

/** Top to bottom; a file belongs to the first layer that has it. */
const LAYERS: Layer[] = [
  { name: 'extension', pure: false, has: (f) => f === 'src/extension.ts' },
  { name: 'features', pure: false, has: (f) => under('src/features')(f) || under('src/dev')(f) || f === 'src/walkthrough.ts' || f === 'src/deps.ts' },
  { name: 'util', pure: true, has: (f) => WEBVIEW_CONTRACT.test(f) || under('src/util')(f) },
  {
    name: 'machinery',
    pure: false,
    has: (f) => ['src/views', 'src/commands', 'src/tree', 'src/webviews'].some((d) => under(d)(f)),
  },
  // The UserInput seam: every question and message to the person (and its VS Code implementation). The connection
  // wizard, the trust prompt and the sign-in prompter ask through it, so it sits right below connections/.
  { name: 'seam', pure: false, has: under('src/ui') },
  { name: 'connection model', pure: true, has: (f) => f === 'src/model/connection.ts' },
  { name: 'connections', pure: false, has: under('src/connections') },
  { name: 'backends', pure: true, has: under('src/backends') },
  { name: 'http', pure: true, has: under('src/http') },
];
/** The order, top to bottom (LAYERS is in matching order, which puts the special cases first). */
const ORDER = ['extension', 'features', 'machinery', 'connections', 'seam', 'backends', 'connection model', 'http', 'util'];

function layerOf(file: string): Layer {
  const l = LAYERS.find((x) => x.has(file));
  if (!l) {
    throw new Error(`${file} is in no layer: add its folder to test/unit/layers.test.ts`);
  }
  return l;
}

const rank = (l: Layer): number => ORDER.indexOf(l.name);

/**
 * Single imports allowed to point up for now (importer → imported); every other file and import follows the rules. A
 * listed arrow that is gone fails the test, so the list only shrinks: remove an entry when its arrow is fixed.
 */
const ALLOWED_IMPORTS: string[] = [];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...sourceFiles(p));
    } else if (e.name.endsWith('.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** Every module a source imports or re-exports (static, side-effect, dynamic import() and require()), as written. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      specs.push(m[1]);
    }
  }
  return specs;
}

/** A relative import as a path from the repository root (`src/…/x.ts`); undefined for a package. */
function resolveImport(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(path.join(ROOT, fromFile)), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return path.relative(ROOT, candidate).split(path.sep).join('/');
    }
  }
  throw new Error(`${fromFile}: cannot resolve the import '${spec}'`);
}

interface Violation {
  file: string;
  text: string;
  edge?: string;
}

/** The rules' violations in a set of sources (repository-relative path → text). */
function layerViolations(sources: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of sources) {
    const from = layerOf(file);
    for (const spec of importsOf(text)) {
      if (spec === 'vscode') {
        if (from.pure) {
          out.push({ file, text: `${file} (${from.name}, pure) imports 'vscode'` });
        }
        continue;
      }
      const target = resolveImport(file, spec);
      if (!target) {
        continue;
      }
      const to = layerOf(target);
      if (rank(to) < rank(from)) {
        out.push({ file, edge: `${file} -> ${target}`, text: `${file} (${from.name}) imports ${target} (${to.name}, a layer above)` });
      }
    }
  }
  return out;
}

function readSources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const f of sourceFiles(SRC)) {
    sources.set(path.relative(ROOT, f).split(path.sep).join('/'), fs.readFileSync(f, 'utf8'));
  }
  return sources;
}

describe('layers: no module imports a layer above it, and pure code never imports vscode', () => {
  const sources = readSources();

  it('reads the sources and puts every file in a layer', () => {
    assert.ok(sources.size > 50, `found the sources in ${SRC}`);
    for (const f of sources.keys()) {
      layerOf(f);
    }
    assert.strictEqual(layerOf('src/backends/ziti/routePath/resolve.ts').name, 'backends');
    assert.strictEqual(layerOf('src/webviews/panelHost.ts').name, 'machinery');
    assert.strictEqual(layerOf('src/webviews/path/protocol.ts').name, 'util');
    assert.strictEqual(layerOf('src/features/ziti/enrollments/view.ts').name, 'features');
  });

  it('finds every kind of import a source can have', () => {
    const text = [
      "// import { x } from '../commented/out';",
      "import * as vscode from 'vscode';",
      "import type { A } from './a';",
      'import {',
      '  B,',
      '  C,',
      "} from '../b';",
      "export { D } from './d';",
      "import './side-effect';",
      "const e = await import('./e');",
      "const f = require('./f');",
    ].join('\n');
    assert.deepStrictEqual(importsOf(text).sort(), ['../b', './a', './d', './e', './f', './side-effect', 'vscode']);
  });

  it('no file under src/backends, src/http, src/util (or another pure layer) imports vscode', () => {
    const found = layerViolations(sources).filter((v) => !v.edge);
    assert.deepStrictEqual(
      found.map((v) => v.text),
      [],
    );
  });

  it('no module imports from a layer above its own', () => {
    const edges = layerViolations(sources).filter((v) => v.edge);
    assert.deepStrictEqual(
      edges.filter((v) => !ALLOWED_IMPORTS.includes(v.edge as string)).map((v) => v.text),
      [],
    );
    const stale = ALLOWED_IMPORTS.filter((a) => !edges.some((v) => v.edge === a));
    assert.deepStrictEqual(stale, [], 'allowed upward imports that are gone: remove them from ALLOWED_IMPORTS');
  });

  it('would catch a vscode import in a backend and an import of a feature from below', () => {
    const probe = new Map(sources);
    probe.set('src/backends/ziti/models.ts', `import * as vscode from 'vscode';\n${sources.get('src/backends/ziti/models.ts')}`);
    probe.set('src/http/paging.ts', `import { EnrollmentsView } from '../features/ziti/enrollments/view';\n${sources.get('src/http/paging.ts')}`);
    const texts = layerViolations(probe).map((v) => v.text);
    assert.ok(texts.includes("src/backends/ziti/models.ts (backends, pure) imports 'vscode'"), texts.join('\n'));
    assert.ok(texts.includes('src/http/paging.ts (http) imports src/features/ziti/enrollments/view.ts (features, a layer above)'), texts.join('\n'));
  });
});
