// Mocha reporter for the Node layers: the usual spec output, plus a JSON summary for test/run.js.
import * as fs from 'fs';
import Mocha from 'mocha';

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const failed: string[] = [];
    const skipped: string[] = [];
    runner.on('fail', (test) => failed.push(test.fullTitle()));
    runner.on('pending', (test) => skipped.push(test.fullTitle()));
    runner.once('end', () => {
      const file = process.env.SM_SUMMARY_FILE;
      if (file) {
        const s = runner.stats;
        fs.writeFileSync(file, JSON.stringify({ passes: s?.passes ?? 0, failures: s?.failures ?? 0, pending: s?.pending ?? 0, tests: s?.tests ?? 0, failed, skipped }));
      }
    });
  }
}

export = SpecWithSummary;
