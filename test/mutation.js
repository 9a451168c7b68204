#!/usr/bin/env node
// `npm run mutation [-- --folder F] [-- <stryker run options>]`: StrykerJS over the pure modules (stryker.config.mjs),
// one folder at a time, then the mutation score per folder with its target. Examples:
//   npm run mutation                          every folder in turn: http, util, connections, backends (slow)
//   npm run mutation -- --folder http         src/http only (incremental: later runs reuse unchanged results)
//   npm run mutation -- --folder http --part client --mutate src/http/client.ts
//                                             one piece of a folder, with its own report (test-output/mutation/http-client)
//   node test/mutation.js --scores-only       print the scores of the last reports again (all pieces merged)
// HTML reports: test-output/mutation/<folder>/index.html. Exits non-zero when a folder misses its target.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const REPORTS = path.join(ROOT, 'test-output', 'mutation');
const FOLDERS = ['http', 'util', 'connections', 'backends'];

/** Folder → minimum mutation score (%) the project holds itself to. */
const TARGETS = [
  ['src/http', 80],
  ['src/util', 80],
  ['src/connections', 70],
  ['src/backends', 70],
];

/**
 * Scores per folder from a mutation-testing-report-schema JSON report: killed + timed-out over every mutant that
 * ran or had no test (compile errors and ignored mutants do not count, like Stryker's own score).
 */
function folderScores(report) {
  const rows = new Map();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const rel = path.relative(ROOT, path.resolve(ROOT, file)).split(path.sep).join('/');
    const folder = TARGETS.map(([f]) => f).find((f) => rel === f || rel.startsWith(`${f}/`)) ?? path.posix.dirname(rel);
    const row = rows.get(folder) ?? { folder, killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
    for (const m of mutants) {
      switch (m.status) {
        case 'Killed':
          row.killed++;
          break;
        case 'Timeout':
          row.timeout++;
          break;
        case 'Survived':
          row.survived++;
          break;
        case 'NoCoverage':
          row.noCoverage++;
          break;
        case 'Ignored':
          row.ignored++;
          break;
        default:
          row.errors++; // CompileError, RuntimeError, Pending
      }
    }
    rows.set(folder, row);
  }
  return [...rows.values()]
    .map((r) => {
      const valid = r.killed + r.timeout + r.survived + r.noCoverage;
      const target = (TARGETS.find(([f]) => f === r.folder) ?? [])[1];
      return { ...r, valid, score: valid === 0 ? NaN : (100 * (r.killed + r.timeout)) / valid, target };
    })
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/**
 * The files of several reports in one: a file mutated in several parts (`--mutate src/http/client.ts:1-300`, …) adds
 * up the mutants of every part; a mutant found in two reports (same place, same mutator, same replacement) counts once,
 * from the report listed last (the part names sort the reports).
 */
function mergeReports(reports) {
  const files = {};
  for (const report of reports) {
    for (const [file, entry] of Object.entries(report.files)) {
      const merged = files[file] ?? { ...entry, mutants: [] };
      const byPlace = new Map(merged.mutants.map((m) => [mutantPlace(m), m]));
      for (const m of entry.mutants) {
        byPlace.set(mutantPlace(m), m);
      }
      merged.mutants = [...byPlace.values()];
      files[file] = merged;
    }
  }
  return files;
}

function mutantPlace(m) {
  const { start, end } = m.location;
  return `${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
}

function printScores() {
  const files = fs.existsSync(REPORTS)
    ? fs
        .readdirSync(REPORTS)
        .sort()
        .map((d) => path.join(REPORTS, d, 'mutation.json'))
        .filter((f) => fs.existsSync(f))
    : [];
  if (files.length === 0) {
    console.error(`no report under ${path.relative(ROOT, REPORTS)}: run "npm run mutation" first`);
    return false;
  }
  const rows = folderScores({ files: mergeReports(files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')))) });
  console.log('\nMutation score per folder (killed + timeout) / (killed + timeout + survived + no coverage):');
  console.log(`  ${'folder'.padEnd(18)} ${'score'.padStart(7)} ${'target'.padStart(7)}  killed timeout survived no-cov ignored`);
  let ok = true;
  for (const r of rows) {
    const miss = r.target !== undefined && !(r.score >= r.target);
    ok = ok && !miss;
    const score = Number.isNaN(r.score) ? 'n/a' : `${r.score.toFixed(1)}%`;
    const target = r.target === undefined ? '' : `${r.target}%`;
    console.log(
      `  ${r.folder.padEnd(18)} ${score.padStart(7)} ${target.padStart(7)}  ${String(r.killed).padStart(6)} ${String(r.timeout).padStart(7)} ${String(r.survived).padStart(8)} ${String(r.noCoverage).padStart(6)} ${String(r.ignored).padStart(7)}${miss ? '   BELOW TARGET' : ''}`,
    );
  }
  console.log(`HTML reports: ${files.map((f) => path.relative(ROOT, path.join(path.dirname(f), 'index.html'))).join(', ')}`);
  return ok;
}

function main() {
  const args = process.argv.slice(2);
  if (!args.includes('--scores-only')) {
    const take = (flag) => {
      const i = args.indexOf(flag);
      return i >= 0 ? args.splice(i, 2)[1] : undefined;
    };
    const only = take('--folder');
    const part = take('--part');
    const folders = only ? [only] : FOLDERS;
    const rest = args;
    for (const folder of folders) {
      if (!FOLDERS.includes(folder)) {
        console.error(`--folder must be one of ${FOLDERS.join(', ')}`);
        process.exitCode = 1;
        return;
      }
      // Stryker runs the unit layer in a copy of the repository, where ../shared/specs is not beside it.
      const env = { ...process.env, SM_MUTATION_FOLDER: folder, ...(part ? { SM_MUTATION_PART: part } : {}), SM_SPECS_DIR: process.env.SM_SPECS_DIR || path.resolve(ROOT, '..', 'shared', 'specs') };
      const stryker = path.join(ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
      console.log(`\n=== mutation testing: ${folder} ===`);
      const r = spawnSync(process.execPath, [stryker, 'run', ...rest], { cwd: ROOT, env, stdio: 'inherit' });
      if (r.status !== 0) {
        console.error(`stryker exited with ${r.status ?? r.signal} for ${folder}`);
        process.exitCode = 1;
        return;
      }
    }
  }
  if (!printScores()) {
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main();
}

module.exports = { folderScores, mergeReports };
