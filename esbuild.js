// Bundles the extension (and any webview scripts) with esbuild, and writes dist/ThirdPartyNotices.txt: the licence of
// every third-party package that ends up in the bundles, from esbuild's metafile.
//   node esbuild.js               development build with source maps
//   node esbuild.js --production  minified, no source maps (used by `vsce package`)
//   node esbuild.js --watch       rebuild on change
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints the result of each (re)build with the bundle sizes, in a form VS Code's problem matcher understands. */
const reporter = {
  name: 'report',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      if (result.metafile) {
        for (const [file, info] of Object.entries(result.metafile.outputs)) {
          if (!file.endsWith('.map')) {
            console.log(`  ${file}  ${(info.bytes / 1024).toFixed(1)} KiB`);
          }
        }
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * axios pulls in `form-data` (and with it the 140 KB `mime-db`) for multipart bodies, which Session Manager never
 * sends. A tiny stand-in keeps the bundle small; sending FormData would fail loudly instead of silently.
 */
const noFormData = {
  name: 'no-form-data',
  setup(build) {
    build.onResolve({ filter: /^form-data$/ }, () => ({ path: 'form-data', namespace: 'no-form-data' }));
    build.onLoad({ filter: /.*/, namespace: 'no-form-data' }, () => ({
      contents: 'module.exports = class FormData { constructor() { throw new Error("multipart bodies are not supported"); } };',
      loader: 'js',
    }));
  },
};

const NOTICES_FILE = path.join(__dirname, 'dist', 'ThirdPartyNotices.txt');

const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/** The package folders (`node_modules/x`, `node_modules/@s/x`, nested ones too) whose files are inputs of the bundles. */
function bundledPackageDirs(metafiles) {
  const dirs = new Map();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
      if (m) {
        dirs.set(m[1], [...(dirs.get(m[1]) ?? []), input]);
      }
    }
  }
  return dirs;
}

/** The "License" section of a README, when it holds a licence text (not just the licence's name). */
function readmeLicence(dir) {
  const readme = fs.readdirSync(dir).find((f) => /^readme(\.|$)/i.test(f));
  if (!readme) {
    return undefined;
  }
  const lines = fs.readFileSync(path.join(dir, readme), 'utf8').split(/\r?\n/);
  const isHeading = (i) => /^#+\s/.test(lines[i]) || (lines[i].trim() !== '' && /^(-{3,}|={3,})\s*$/.test(lines[i + 1] ?? ''));
  const start = lines.findIndex((l, i) => isHeading(i) && /licen[cs]e/i.test(l));
  if (start < 0) {
    return undefined;
  }
  let end = start + (/^#/.test(lines[start]) ? 1 : 2);
  const first = end;
  while (end < lines.length && !isHeading(end)) {
    end++;
  }
  const text = lines.slice(first, end).join('\n').trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return /copyright/i.test(text) && /permission|redistribution|licensed under/i.test(text) ? text : undefined;
}

/**
 * The licence text of a bundled package: its licence file; else the licence section of its README; else, for MIT, the
 * MIT text with the copyright lines of its bundled sources. A package with none of these fails the build.
 */
function licenceText(dir, pkg, inputs) {
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)([.-]|$)/i.test(f));
  if (file) {
    return fs.readFileSync(path.join(dir, file), 'utf8').trim();
  }
  const fromReadme = readmeLicence(dir);
  if (fromReadme) {
    return fromReadme;
  }
  if (pkg.license === 'MIT') {
    const copyrights = new Set();
    for (const input of inputs) {
      for (const m of fs.readFileSync(input, 'utf8').matchAll(/^\s*(?:\/\/|\/?\*)\s*(Copyright\b.*\S)\s*$/gim)) {
        copyrights.add(m[1]);
      }
    }
    if (copyrights.size > 0) {
      return `MIT License\n\n${[...copyrights].join('\n')}\n\n${MIT_TEXT}`;
    }
  }
  throw new Error(`${pkg.name}@${pkg.version} is bundled into dist/ but ships no licence text (no LICENSE file, README licence section or copyright notice): add its notice to esbuild.js`);
}

/** ThirdPartyNotices.txt for the packages in these metafiles: name, version, licence, where it comes from, licence text. */
function thirdPartyNotices(metafiles) {
  const entries = new Map();
  for (const [relativeDir, relativeInputs] of bundledPackageDirs(metafiles)) {
    const dir = path.join(__dirname, relativeDir);
    const inputs = relativeInputs.map((i) => path.join(__dirname, i));
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const key = `${pkg.name}@${pkg.version}`;
    if (entries.has(key)) {
      continue;
    }
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see the text below');
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    const source = (pkg.homepage || repo || '')
      .replace(/^git\+/, '')
      .replace(/^git:\/\//, 'https://')
      .replace(/\.git$/, '')
      .replace(/^([\w.-]+\/[\w.-]+)$/, 'https://github.com/$1');
    const head = `${pkg.name} ${pkg.version} (${licence})${source ? `\n${source}` : ''}`;
    entries.set(key, `${'='.repeat(80)}\n${head}\n${'-'.repeat(80)}\n\n${licenceText(dir, pkg, inputs)}\n`);
  }
  const sorted = [...entries.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text);
  return [
    'THIRD-PARTY SOFTWARE NOTICES',
    '',
    'Session Manager is distributed under the MIT License (see LICENSE). Its bundled code in dist/ includes the',
    'third-party packages below, each with its version, its licence and the licence text it is distributed under.',
    '',
    ...sorted,
  ].join('\n');
}

/**
 * Writes NOTICES_FILE once every bundle has finished a build (and again after each rebuild in watch mode), from the
 * metafiles of all of them.
 */
function noticesWriter(count) {
  const metafiles = new Array(count).fill(undefined);
  return (index) => ({
    name: 'third-party-notices',
    setup(build) {
      build.onEnd((result) => {
        if (!result.metafile || result.errors.length > 0) {
          return;
        }
        metafiles[index] = result.metafile;
        if (metafiles.every((m) => m !== undefined)) {
          fs.mkdirSync(path.dirname(NOTICES_FILE), { recursive: true });
          fs.writeFileSync(NOTICES_FILE, thirdPartyNotices(metafiles));
        }
      });
    },
  });
}

/** Webview entry points: src/webviews/<name>/main.ts or media/<name>/main.ts, when they exist. */
function webviewEntries() {
  const entries = {};
  for (const root of ['src/webviews', 'media']) {
    if (!fs.existsSync(path.join(__dirname, root))) {
      continue;
    }
    for (const name of fs.readdirSync(path.join(__dirname, root))) {
      for (const ext of ['ts', 'js']) {
        const file = path.join(root, name, `main.${ext}`);
        if (fs.existsSync(path.join(__dirname, file)) && !(root === 'media' && ext === 'js' && fs.existsSync(path.join(__dirname, 'src/webviews', name, 'main.ts')))) {
          entries[name] = file;
        }
      }
    }
  }
  return entries;
}

/** The esbuild options of each bundle: the extension (for node) and the webview scripts (for the browser), if any. */
function bundleOptions(isProduction = production) {
  const common = {
    bundle: true,
    minify: isProduction,
    sourcemap: !isProduction,
    sourcesContent: false,
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: __dirname,
  };
  const options = [
    {
      ...common,
      entryPoints: ['src/extension.ts'],
      format: 'cjs',
      platform: 'node',
      target: 'node18',
      outfile: 'dist/extension.js',
      external: ['vscode'],
      // axios probes `navigator` to detect a browser; in a Node extension host that read only triggers VS Code's
      // "navigator is now a global" migration warning. The extension always runs in Node, so there is none.
      // SM_DEV_BUILD: development-only code (src/dev, e.g. `npm run try`'s sandbox connections) is left out of the
      // production bundle, and so out of the .vsix.
      define: { navigator: 'undefined', SM_DEV_BUILD: String(!isProduction) },
      plugins: [noFormData],
    },
  ];
  const webviews = webviewEntries();
  if (Object.keys(webviews).length > 0) {
    options.push({
      ...common,
      entryPoints: webviews,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      outdir: 'dist/webviews',
      plugins: [],
    });
  }
  return options;
}

async function main() {
  if (production) {
    // A release build starts clean: no source maps or stale bundles from development builds end up in the .vsix.
    fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
  }
  const options = bundleOptions();
  const notices = noticesWriter(options.length);
  const contexts = await Promise.all(options.map((o, i) => esbuild.context({ ...o, plugins: [...o.plugins, notices(i), reporter] })));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    const results = await Promise.all(contexts.map((c) => c.rebuild()));
    if (results.some((r) => r.errors.length > 0)) {
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { bundleOptions, NOTICES_FILE };
