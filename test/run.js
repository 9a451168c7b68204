#!/usr/bin/env node
// Runs the test layers: `node test/run.js [all|unit|sandbox|integration|ui] ...`.
//   unit         pure modules, plain Node (out/test/unit)
//   sandbox      the local emulator of the four backend APIs, held to the vendor specs (out/test/sandbox)
//   integration  suites inside a real VS Code extension host (out/test/integration)
//   ui           playwright-core drives the real VS Code workbench in Chromium (out/test/ui)
// Expects `npm run build` and `npm run compile-tests` to have run (the npm scripts do that).
//
// Host for the integration layer, SM_TEST_HOST=electron|code-server forces one. By default desktop VS Code
// (@vscode/test-electron) is used when VSCODE_EXECUTABLE_PATH is set or a download is cached in .vscode-test/;
// otherwise code-server from the npm registry, installed on first use into ~/.cache/session-manager-test-host.
//
// The unit and sandbox layers hold the code and the emulator to the vendor API specs in ../shared/specs
// (SM_SPECS_DIR overrides the place). Without them the run fails, unless SM_ALLOW_MISSING_SPECS=1 asks explicitly to
// run without: then those checks are recorded as skipped and the summary says loudly what did not run.
// A layer fails when it ran no test or when every test in it was skipped; skipped tests are listed per layer.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'test');
const LAYERS = ['unit', 'sandbox', 'integration', 'ui'];

function requireOut(rel) {
  const file = path.join(OUT, rel);
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(ROOT, file)} is missing: run "npm run compile-tests" first`);
  }
  return require(file);
}

function readSummary(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function tmpFile(name) {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sm-run-')), name);
}

/** A Node mocha layer in its own process. */
function runMochaLayer(layer, dir, extraArgs = []) {
  return new Promise((resolve) => {
    const summaryFile = tmpFile('summary.json');
    const files = path.join('out', 'test', dir, '**', '*.test.js');
    const args = [
      path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'),
      '--reporter', path.join(OUT, 'host', 'specWithSummary.js'),
      '--no-colors',
      ...extraArgs,
      files,
    ];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, SM_SUMMARY_FILE: summaryFile } });
    child.on('exit', (code) => {
      const s = readSummary(summaryFile);
      if (!s) {
        resolve({ passes: 0, failures: 1, pending: 0, tests: 0, note: `mocha exited with code ${code} before it reported` });
      } else {
        resolve(code === 0 || s.failures > 0 ? s : { ...s, failures: s.failures + 1, note: `mocha exited with code ${code}` });
      }
    });
  });
}

function pickHost() {
  const forced = process.env.SM_TEST_HOST;
  if (forced) {
    if (forced !== 'electron' && forced !== 'code-server') {
      throw new Error(`SM_TEST_HOST must be "electron" or "code-server", not "${forced}"`);
    }
    return forced;
  }
  return requireOut('host/electron.js').electronAvailable() ? 'electron' : 'code-server';
}

/** Streams new text appended to a file to our stdout until stop() is called. */
function follow(file) {
  let pos = 0;
  const pump = () => {
    if (!fs.existsSync(file)) {
      return;
    }
    const size = fs.statSync(file).size;
    if (size > pos) {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - pos);
      fs.readSync(fd, buf, 0, buf.length, pos);
      fs.closeSync(fd);
      pos = size;
      process.stdout.write(buf.toString('utf8'));
    }
  };
  const timer = setInterval(pump, 200);
  return () => {
    clearInterval(timer);
    pump();
  };
}

async function runIntegration() {
  const host = pickHost();
  const resultFile = tmpFile('integration.log');
  const testsPath = path.join(OUT, 'integration', 'index.js');
  const env = { SM_TEST_RESULT_FILE: resultFile, SM_REPO_ROOT: ROOT };
  if (process.env.SM_TEST_GREP) {
    env.SM_TEST_GREP = process.env.SM_TEST_GREP;
  }
  console.log(`integration: running in ${host === 'electron' ? 'desktop VS Code (@vscode/test-electron)' : 'code-server (VS Code web workbench in Chromium)'}`);
  const stop = follow(resultFile);
  try {
    if (host === 'electron') {
      await requireOut('host/electron.js').runInElectron(testsPath, env);
    } else {
      const { startCodeServer, openWorkbench } = requireOut('host/codeServer.js');
      const server = await startCodeServer({ env, label: 'integration' });
      let wb;
      try {
        wb = await openWorkbench(server, server.url({ extensionDevelopmentPath: ROOT, extensionTestsPath: testsPath }));
        const deadline = Date.now() + 20 * 60_000;
        while (!fs.existsSync(`${resultFile}.json`)) {
          if (Date.now() > deadline) {
            throw new Error('the integration suites did not finish within 20 minutes');
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      } finally {
        if (wb) {
          await wb.close();
        }
        await server.stop();
      }
    }
  } catch (e) {
    stop();
    return { passes: 0, failures: 1, pending: 0, tests: 0, note: String(e && e.stack ? e.stack : e) };
  }
  stop();
  return readSummary(`${resultFile}.json`) || { passes: 0, failures: 1, pending: 0, tests: 0, note: 'the extension host wrote no summary' };
}

/** The vendor spec files that are missing (the unit and sandbox layers need them). */
function missingSpecs() {
  const { specsDir, SPEC_FILES } = requireOut('sandbox/contract.js');
  return Object.values(SPEC_FILES)
    .map((f) => path.join(specsDir(), f))
    .filter((f) => !fs.existsSync(f));
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const layers = wanted.length === 0 || wanted.includes('all') ? LAYERS : wanted;
  for (const l of layers) {
    if (!LAYERS.includes(l)) {
      throw new Error(`unknown layer "${l}"; choose from all, ${LAYERS.join(', ')}`);
    }
  }
  const needSpecs = layers.includes('unit') || layers.includes('sandbox');
  const noSpecs = needSpecs ? missingSpecs() : [];
  const allowMissing = process.env.SM_ALLOW_MISSING_SPECS === '1';
  if (noSpecs.length > 0 && !allowMissing) {
    console.error(`The vendor API specs are missing:\n${noSpecs.map((f) => `  ${f}`).join('\n')}`);
    console.error('The unit and sandbox layers check the code and the emulator against them. Put them there, or run');
    console.error('with SM_ALLOW_MISSING_SPECS=1 to run without those checks (they are then reported as skipped).');
    process.exitCode = 1;
    return;
  }
  const results = [];
  for (const layer of layers) {
    console.log(`\n=== ${layer} tests ===`);
    let r;
    if (layer === 'integration') {
      r = await runIntegration();
    } else if (layer === 'ui') {
      r = await runMochaLayer(layer, 'ui', ['--timeout', '180000', '--exit']);
    } else {
      r = await runMochaLayer(layer, layer, ['--timeout', '60000', '--exit']);
    }
    if (r.note) {
      console.log(`${layer}: ${r.note}`);
    }
    if (r.tests === 0 && r.failures === 0) {
      r = { ...r, failures: 1, note: 'no test ran' };
      console.log(`${layer}: no test ran, which counts as a failure`);
    } else if (r.passes === 0 && r.failures === 0) {
      r = { ...r, failures: 1, note: 'every test was skipped' };
      console.log(`${layer}: every test was skipped, which counts as a failure`);
    }
    const skipped = r.skipped || [];
    if (skipped.length > 0) {
      console.log(`${layer}: skipped (did not run):`);
      for (const t of skipped) {
        console.log(`  - ${t}`);
      }
    }
    console.log(`${layer}: ${r.passes} passed, ${r.failures} failed${r.pending ? `, ${r.pending} skipped` : ''}`);
    results.push({ layer, ...r });
  }
  const total = results.reduce((a, r) => ({ passes: a.passes + r.passes, failures: a.failures + r.failures, pending: a.pending + r.pending }), { passes: 0, failures: 0, pending: 0 });
  console.log('\n=== summary ===');
  for (const r of results) {
    console.log(`  ${r.layer.padEnd(12)} ${r.passes} passed, ${r.failures} failed${r.pending ? `, ${r.pending} skipped` : ''}`);
  }
  if (noSpecs.length > 0) {
    const bar = '!'.repeat(100);
    console.log(`\n${bar}\nRAN WITHOUT THE VENDOR SPECS (SM_ALLOW_MISSING_SPECS=1). Missing:\n${noSpecs.map((f) => `  ${f}`).join('\n')}`);
    console.log(`${total.pending} test(s) did not run (listed per layer above): this run does NOT prove that the emulator`);
    console.log(`or the backend clients match the vendor APIs.\n${bar}`);
  }
  console.log(`${total.passes} passed, ${total.failures} failed${total.pending ? `, ${total.pending} skipped` : ''}`);
  process.exitCode = total.failures > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exitCode = 1;
});
