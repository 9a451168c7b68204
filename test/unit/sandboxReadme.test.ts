// The README's sandbox section says what the sandbox does: its fault table names exactly the modes it accepts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FAULT_MODES } from '../sandbox/server';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

function sandboxSection(): string {
  const start = README.indexOf('### The sandbox');
  assert.ok(start >= 0, 'the README has no "The sandbox" section');
  const end = README.indexOf('\n## ', start);
  return README.slice(start, end < 0 ? undefined : end);
}

describe('README: the sandbox section', () => {
  it("lists exactly the fault modes the sandbox accepts (off included), and no other mode name", () => {
    const rows = [...sandboxSection().matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    assert.deepStrictEqual([...rows].sort(), Object.keys(FAULT_MODES).sort());
  });

  it('shows how to clear a fault in a way the sandbox accepts', () => {
    assert.match(sandboxSection(), /-d '\{"mode":"off"\}'/);
  });

  it('names no fixed CA path in /tmp (each run writes its CA to a folder of its own)', () => {
    assert.doesNotMatch(README, /\/tmp\/session-manager-sandbox-ca\.pem/);
  });
});
