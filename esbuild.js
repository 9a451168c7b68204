// Bundles the extension (and any webview scripts) with esbuild.
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

/** Webview entry points: src/webviews/<name>/main.ts or media/<name>/main.ts, when they exist. */
function webviewEntries() {
  const entries = {};
  for (const root of ['src/webviews', 'media']) {
    if (!fs.existsSync(root)) {
      continue;
    }
    for (const name of fs.readdirSync(root)) {
      for (const ext of ['ts', 'js']) {
        const file = path.join(root, name, `main.${ext}`);
        if (fs.existsSync(file) && !(root === 'media' && ext === 'js' && fs.existsSync(path.join('src/webviews', name, 'main.ts')))) {
          entries[name] = file;
        }
      }
    }
  }
  return entries;
}

async function main() {
  if (production) {
    // A release build starts clean: no source maps or stale bundles from development builds end up in the .vsix.
    fs.rmSync('dist', { recursive: true, force: true });
  }
  const common = {
    bundle: true,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'silent',
    metafile: true,
    plugins: [reporter],
  };
  const contexts = [
    await esbuild.context({
      ...common,
      entryPoints: ['src/extension.ts'],
      format: 'cjs',
      platform: 'node',
      target: 'node18',
      outfile: 'dist/extension.js',
      external: ['vscode'],
      plugins: [reporter, noFormData],
    }),
  ];
  const webviews = webviewEntries();
  if (Object.keys(webviews).length > 0) {
    contexts.push(
      await esbuild.context({
        ...common,
        entryPoints: webviews,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        outdir: 'dist/webviews',
      }),
    );
  }
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
