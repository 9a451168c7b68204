import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildContextValue, CONTEXT_VALUE_SPECS, NodeType, parseContextValue, possibleContextValues } from '../../src/tree/contextValue';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The `viewItem =~ /regex/` patterns of package.json's item menus. */
function menuPatterns(): { command: string; regex: RegExp }[] {
  const out: { command: string; regex: RegExp }[] = [];
  for (const entry of pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]) {
    const m = /viewItem =~ \/(.+?)\/(?=\s|$)/.exec(entry.when);
    assert.ok(m, `${entry.command}: every item menu matches viewItem with a regex (${entry.when})`);
    out.push({ command: entry.command, regex: new RegExp(m[1]) });
  }
  return out;
}

describe('contextValue', () => {
  it('joins a type and sorted, de-duplicated capability flags', () => {
    assert.strictEqual(buildContextValue('connection', ['canSignIn', 'canEdit', false, undefined, 'canEdit']), 'connection;canEdit;canSignIn');
    assert.strictEqual(buildContextValue('message'), 'message');
  });

  it('refuses a flag the type does not declare', () => {
    assert.throws(() => buildContextValue('environment', ['canSignOut']), /environment cannot carry canSignOut/);
  });

  it('parses back into type and flags', () => {
    assert.deepStrictEqual(parseContextValue('error;canRetry'), { type: 'error', flags: ['canRetry'] });
  });

  it('every menu pattern in package.json matches a value the code can emit', () => {
    const all = (Object.keys(CONTEXT_VALUE_SPECS) as NodeType[]).flatMap(possibleContextValues);
    for (const { command, regex } of menuPatterns()) {
      assert.ok(all.some((v) => regex.test(v)), `${command}: /${regex.source}/ matches nothing the code emits`);
    }
  });

  it('every capability the code can emit is matched by a menu', () => {
    const patterns = menuPatterns();
    for (const type of Object.keys(CONTEXT_VALUE_SPECS) as NodeType[]) {
      for (const flag of CONTEXT_VALUE_SPECS[type] as readonly string[]) {
        const value = `${type};${flag}`;
        assert.ok(patterns.some((p) => p.regex.test(value)), `${value} is emitted but no menu uses it`);
      }
    }
  });

  it('a flag never matches a menu meant for another flag of the same prefix', () => {
    const v = buildContextValue('connection', ['canSignOut', 'canRefresh']);
    assert.ok(/;canRefresh(;|$)/.test(v));
    assert.ok(!/^connection;.*canSignIn(;|$)/.test(v));
  });

  it('a session row offers Revoke Session; a Cohesity principal (all sessions of a user) offers Revoke Sessions of User… instead', () => {
    const offered = (value: string): string[] => menuPatterns().filter((p) => p.regex.test(value)).map((p) => p.command);
    for (const v of ['zitiSession;canRevoke;hasDetails;hasRoute', 'pingoneSession;canRevoke;hasDetails;hasTrail']) {
      assert.ok(offered(v).includes('sessionManager.revokeSession'), v);
      assert.ok(!offered(v).includes('sessionManager.revokeUserSessions'), v);
    }
    const principal = buildContextValue('cohesityPrincipal', ['canRevoke', 'hasDetails']);
    assert.ok(offered(principal).includes('sessionManager.revokeUserSessions'));
    assert.ok(!offered(principal).includes('sessionManager.revokeSession'));
  });
});
