// Aptible's session path against the real sandbox over HTTP: person → operation (command) → ephemeral container on its
// host / instance → app → environment, as the shared path panel draws it; parts that cannot be read stay in the path
// marked not found with the reason; a session Aptible no longer has is `ended`. The view passes the panel's validator.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { AptibleClient } from '../../../src/backends/aptible';
import { type AptibleSessionSource, createAptibleSessionSource } from '../../../src/backends/aptible/sessions';
import type { SessionSourceContext } from '../../../src/backends/sessionSource';
import { isHostMessage, type PathView } from '../../../src/webviews/path/protocol';
import type { Sandbox } from '../../sandbox/server';
import type { AptibleState } from '../../sandbox/aptible';
import { doubles, failOnRequestViolations, rejection, useSandbox } from './doubles';

describe('backends/aptible session path', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => AptibleState;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], seed: 5 });
  failOnRequestViolations(sandbox, 'aptible');

  before(() => {
    sb = sandbox();
    creds = sb.details.aptible.credentials;
    state = () => sb.state.aptible.state as AptibleState;
  });
  afterEach(() => {
    sb.reset();
  });

  function source(): AptibleSessionSource {
    const record: ConnectionRecord = {
      id: 'aptible-path-test',
      backend: 'aptible',
      label: 'Sandbox Aptible',
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: sb.details.aptible.urls.authRoot },
      auth: { method: 'password', username: creds.email },
      source: 'user',
    };
    const d = doubles();
    const c = new AptibleClient(record, { password: creds.password }, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    const ctx: SessionSourceContext = { record: c.record, client: async () => c, log: d.deps.log, now: () => sb.now() };
    return createAptibleSessionSource(ctx);
  }

  const rows = (v: PathView): string[][] => v.hops.map((h) => [h.role, h.name, String(h.known), h.detail ?? '']);

  it('draws person → operation → container on its host → app → environment, with the words of the panel', async () => {
    const data = state().data;
    const s = data.sessions[0];
    const op = data.operations.get(s.operationId)!;
    const app = data.apps.find((p) => p.id === s.appId)!;
    const account = data.accounts.find((a) => a.id === app.accountId)!;
    const view = await source().sessionPath(String(s.id));
    assert.strictEqual(view.state, 'path');
    assert.strictEqual(view.canRevoke, false, 'Aptible has no call that ends an ephemeral session');
    assert.deepStrictEqual(
      view.hops.map((h) => [h.role, h.name, h.known]),
      [
        ['person', op.userName, true],
        ['operation', op.command, true],
        ['container', `${s.name}-${view.hops[2].id}`, true],
        ['app', app.handle, true],
        ['account', account.handle, true],
      ],
    );
    assert.strictEqual(view.hops[0].detail, op.userEmail, 'the email beside the name');
    assert.strictEqual(view.hops[1].id, String(op.id));
    assert.strictEqual(view.hops[1].roleLabel, 'execute operation');
    assert.match(view.hops[1].detail ?? '', new RegExp(`^${op.status}`));
    assert.ok(view.hops[2].detail?.includes(`on ${s.host}`) && view.hops[2].detail.includes(s.awsInstanceId), view.hops[2].detail);
    assert.strictEqual(view.hops[4].detail, account.type === 'production' ? 'production' : account.type);
    assert.strictEqual(view.texts?.heading, `Session path: ${op.userName} — ${op.command} (${s.id})`);
    assert.deepStrictEqual(view.texts?.meta.slice(0, 2), [`Ephemeral session ${s.id}`, `operation ${op.id}: ${view.hops[1].detail}`]);
    assert.strictEqual(view.texts?.meta.at(-1), 'on Sandbox Aptible');
    assert.strictEqual(view.texts?.noun, 'session path');
    assert.ok(isHostMessage({ type: 'render', view }), 'the panel accepts it as it is');
  });

  it('keeps the path readable when the operation is forbidden or gone and the containers fail, saying why', async () => {
    const data = state().data;
    const s = data.sessions[1];
    state().forbiddenOperations.add(s.operationId);
    sb.faults.set('aptible', { pathRegex: '/ephemeral_containers$', mode: 'server-error' });
    const view = await source().sessionPath(String(s.id));
    assert.strictEqual(view.state, 'path');
    const r = rows(view);
    assert.deepStrictEqual(r[0].slice(0, 3), ['person', 'unknown person', 'false']);
    assert.deepStrictEqual(r[1].slice(0, 3), ['operation', `operation ${s.operationId}`, 'false']);
    assert.match(r[1][3], /operation unavailable \(forbidden\)/);
    assert.deepStrictEqual(r[2].slice(0, 3), ['container', s.host, 'true']);
    assert.match(r[2][3], /containers unavailable \(.*500/);
    assert.strictEqual(r[3][2], 'true', 'the app is still read');
    assert.ok(isHostMessage({ type: 'render', view }));
    sb.faults.clear();
    state().forbiddenOperations.clear();
    data.operations.delete(s.operationId);
    const gone = await source().sessionPath(String(s.id));
    assert.match(gone.hops[1].detail ?? '', /operation unavailable \(not found\)/);
  });

  it('says a session Aptible no longer has has ended, and lets other failures through', async () => {
    const view = await source().sessionPath('999999999');
    assert.strictEqual(view.state, 'ended');
    assert.deepStrictEqual(view.hops, []);
    assert.match(view.message ?? '', /no ephemeral session 999999999/);
    assert.ok(isHostMessage({ type: 'render', view }));
    assert.strictEqual((await source().sessionPath('../apps')).state, 'ended', 'not an Aptible id: nothing is asked');
    sb.faults.set('aptible', { pathRegex: '^/ephemeral_sessions/\\d+$', mode: 'server-error' });
    const e = await rejection(source().sessionPath(String(state().data.sessions[0].id)));
    assert.strictEqual(e.status, 500);
  });
});
