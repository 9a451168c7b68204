import * as assert from 'assert';
import { buildContextValue, parseContextValue } from '../../src/tree/contextValue';

describe('contextValue', () => {
  it('joins a type and sorted, de-duplicated capability flags', () => {
    assert.strictEqual(buildContextValue('connection', ['canSignIn', 'canEdit', false, undefined, 'canEdit']), 'connection;canEdit;canSignIn');
    assert.strictEqual(buildContextValue('message'), 'message');
  });

  it('parses back into type and flags', () => {
    assert.deepStrictEqual(parseContextValue('error;canRetry'), { type: 'error', flags: ['canRetry'] });
  });

  it('is matched by the regex style package.json menus use', () => {
    const v = buildContextValue('connection', ['canSignOut', 'canRefresh']);
    assert.ok(/;canRefresh(;|$)/.test(v));
    assert.ok(!/;canRetry(;|$)/.test(v));
  });
});
