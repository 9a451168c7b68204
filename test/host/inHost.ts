// Runs mocha inside the VS Code extension host (desktop or code-server). The host's stdout is not ours in
// code-server, so every reporter line is appended to a file the outer runner streams, and a JSON summary is
// written at the end.
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

export interface InHostSummary {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  failed: string[];
  /** Full titles of the tests that were skipped (test/run.js lists them). */
  skipped: string[];
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...findTests(full));
    } else if (entry.name.endsWith('.test.js')) {
      out.push(full);
    }
  }
  return out.sort();
}

function resultFile(): string {
  const fromEnv = process.env.SM_TEST_RESULT_FILE;
  if (fromEnv) {
    return fromEnv;
  }
  // Fallback when the host did not pass our environment through.
  return path.resolve(__dirname, '..', '..', '..', 'test-output', 'in-host-results.log');
}

export async function runInHost(testsRoot: string): Promise<void> {
  const file = resultFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const write = (text: string): void => fs.appendFileSync(file, text);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Base = require('mocha/lib/reporters/base') as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  Base.useColors = false;
  Base.consoleLog = (...args: unknown[]) => write(`${util.format(...args)}\n`);

  const grep = process.env.SM_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false, ...(grep ? { grep } : {}) });
  for (const f of findTests(testsRoot)) {
    mocha.addFile(f);
  }
  const failed: string[] = [];
  const skipped: string[] = [];
  const summary = await new Promise<InHostSummary>((resolve) => {
    try {
      const runner = mocha.run(() => {
        resolve({
          passes: runner.stats?.passes ?? 0,
          failures: runner.stats?.failures ?? 0,
          pending: runner.stats?.pending ?? 0,
          tests: runner.stats?.tests ?? 0,
          failed,
          skipped,
        });
      });
      runner.on('fail', (test) => failed.push(test.fullTitle()));
      runner.on('pending', (test) => skipped.push(test.fullTitle()));
    } catch (e) {
      write(`failed to start mocha: ${e instanceof Error ? e.stack : String(e)}\n`);
      resolve({ passes: 0, failures: 1, pending: 0, tests: 0, failed: ['mocha did not start'], skipped: [] });
    }
  });
  fs.writeFileSync(`${file}.json`, JSON.stringify(summary));
  if (summary.failures > 0) {
    throw new Error(`${summary.failures} test(s) failed`);
  }
}
