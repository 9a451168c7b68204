// Add Connection checks as it goes (issue 11, items 6-8): reachability and trust right after the address, the sign-in
// right after the credentials, staying on the step with the server's reason; the real step total of each path; a
// second connection to the same controller trusts its CA with one click; a Cohesity certificate worded as its own.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import { start, Sandbox } from '../sandbox/server';
import { testingApi, watchRequests } from './helpers';
import { Answer, Asked, QueuedInput } from './queuedInput';
import { removeAllConnections, zitiAnswers } from './connections.test';

const UNREACHABLE = 'https://127.0.0.1:9';

describe('Add Connection: checks as it goes, real step totals, shared trust', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let sb: Sandbox;

  before(async () => {
    api = await testingApi();
    sb = await start();
    await removeAllConnections(api);
  });

  after(async () => {
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await sb.stop();
  });

  async function add(answers: Answer[]): Promise<{ record: { id: string; label: string } | undefined; q: QueuedInput }> {
    const q = new QueuedInput(answers, api.BACK);
    api.setUserInput(q);
    const record = (await vscode.commands.executeCommand('sessionManager.addConnection')) as { id: string; label: string } | undefined;
    assert.strictEqual(q.remaining, 0, `every queued answer was used; asked ${JSON.stringify(q.asked.map((a) => a.text))}; errors ${JSON.stringify(api.recentErrors.slice(-1))}`);
    return { record, q };
  }

  /** The wizard's own steps (not the trust modal or a sign-in prompt), as "step/total". */
  const counter = (q: QueuedInput): string[] => q.asked.filter((a) => a.title === 'Add Connection' && a.kind !== 'confirm').map((a) => `${a.step}/${a.totalSteps}`);

  /** The statuses of the sign-ins (POST /authenticate) the controller answered from now on. */
  function logins(): { readonly statuses: number[]; restore: () => void } {
    const watch = watchRequests(sb.state.ziti, (req) => ({ login: req.method === 'POST' && /\/authenticate$/.test(req.path) }));
    return {
      get statuses() {
        return watch.seen.filter((e) => e.login).map((e) => e.status ?? 0);
      },
      restore: watch.restore,
    };
  }

  it('an unreachable controller is reported on the URL step with the reason; Back keeps the answers; nothing is saved until it works', async () => {
    const before = api.store.list().length;
    const { record, q } = await add([
      { pick: 'OpenZiti' },
      { input: UNREACHABLE },
      { pick: 'Try again' },
      { back: true }, // from the failure, back to the backend question
      { pick: 'OpenZiti' },
      { input: UNREACHABLE },
      { pick: 'Change the address' },
      { input: sb.urls.ziti },
      { confirm: 'Trust' },
      { input: 'Checked controller' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: 'admin' },
      { input: 'ziti-sandbox-admin' },
    ]);
    assert.ok(record, JSON.stringify(api.recentErrors.slice(-1)));
    const failures = q.asked.filter((a) => a.kind === 'pick' && /cannot reach https:\/\/127\.0\.0\.1:9/.test(a.text));
    assert.strictEqual(failures.length, 3, `the reason is shown at once, after Try again, and after the second attempt: ${JSON.stringify(q.asked)}`);
    for (const f of failures) {
      assert.strictEqual(f.step, 2, 'the failure stays on the URL step');
      assert.deepStrictEqual(f.items, ['Change the address', 'Try again', 'Save anyway, sign in later']);
    }
    const urls = q.asked.filter((a) => a.kind === 'input' && /Controller URL/.test(a.text));
    assert.deepStrictEqual(
      urls.map((a) => a.value),
      [undefined, UNREACHABLE, UNREACHABLE],
      'the URL typed is kept: after Back and after Change the address it is offered again',
    );
    const backends = q.asked.filter((a) => a.kind === 'pick' && /Which kind of backend/.test(a.text));
    assert.strictEqual(backends.length, 2, 'Back from the failure went to the previous step');
    // The trust prompt came right after the address, before any sign-in question.
    const order = q.asked.map((a) => a.kind);
    assert.ok(order.indexOf('confirm') < q.asked.findIndex((a) => /How do you sign in/.test(a.text)), 'TLS trust is settled right after the URL');
    assert.strictEqual(api.store.list().length, before + 1);
    assert.strictEqual(api.manager.state(record.id).kind, 'signedIn');
    assert.ok(!api.recentErrors.some((e) => /was not saved/.test(e.message)), 'no late "was not saved"');
  });

  it('a second connection to the same controller: "already trusts" with the fingerprint, one click; a wrong password stays on the password step', async () => {
    // A connection that already trusts the sandbox CA (saved as Add Connection saves one).
    await api.store.save({ id: 'ziti-first', backend: 'ziti', label: 'First controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' }, { password: 'ziti-sandbox-admin' });
    api.setUserInput(new QueuedInput([], api.BACK));
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'ziti-first'), true, 'signed in before counting logins');
    const seen = logins();
    try {
      const { record, q } = await add([
        { pick: 'OpenZiti' },
        { input: sb.urls.ziti },
        { confirm: 'Trust' }, // one click: the CA another connection already trusts
        { input: 'Second controller' },
        { pick: 'Not production' },
        { pick: 'Username and password' },
        { input: 'admin' },
        { input: 'wrong-password-42' },
        { pick: 'Change the answer' },
        { input: 'ziti-sandbox-admin' },
      ]);
      assert.ok(record, JSON.stringify(api.recentErrors.slice(-1)));
      const trust = q.asked.filter((a) => a.kind === 'confirm');
      assert.strictEqual(trust.length, 1);
      const sharing = /^(.+) already trusts this certificate \(SHA-256 [0-9A-F:]+\)\. Trust it for .+ too\?$/i.exec(trust[0].text);
      assert.ok(sharing, `the prompt says another connection already trusts it: ${trust[0].text}`);
      assert.ok(['First controller', 'Checked controller'].includes(sharing[1]), `named after a connection that trusts the CA: ${sharing[1]}`);
      const fp = (s: string): string => s.replace(/:/g, '').toLowerCase();
      assert.ok(fp(trust[0].text).includes(fp(sb.ca.sha256Fingerprint)), `the fingerprint shown is the sandbox CA's: ${trust[0].text}`);
      assert.deepStrictEqual(trust[0].items, ['Trust'], 'accepted with one click');

      const failure = q.asked.find((a) => a.kind === 'pick' && /401|invalid|credentials/i.test(a.text));
      assert.ok(failure, `the failed sign-in is shown: ${JSON.stringify(q.asked)}`);
      const password = q.asked.filter((a) => a.kind === 'input' && /^Password for admin/.test(a.text));
      assert.strictEqual(password.length, 2, 'the password was asked again');
      assert.strictEqual(failure.step, password[0].step, 'the failure stays on the password step');
      assert.ok(!failure.text.includes('wrong-password-42'));
      assert.deepStrictEqual(seen.statuses.map((s) => (s < 300 ? 'ok' : String(s))), ['401', 'ok'], 'one failed login, then the right password signs in');
      assert.strictEqual(api.manager.state(record.id).kind, 'signedIn');
      assert.strictEqual((await api.store.getSecrets(record.id)).password, 'ziti-sandbox-admin');
    } finally {
      seen.restore();
      await api.store.remove('ziti-first');
      api.manager.forget('ziti-first');
    }
  });

  it('"Save anyway, sign in later" saves an unreachable controller signed out, without sending the password', async () => {
    const { record, q } = await add([
      { pick: 'OpenZiti' },
      { input: UNREACHABLE },
      { pick: 'Save anyway, sign in later' },
      { input: 'Later controller' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: 'admin' },
      { input: 'later-password' },
    ]);
    assert.ok(record, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.asked.filter((a) => /cannot reach/.test(a.text)).length, 1, 'no sign-in check after Save anyway');
    const saved = api.store.get(record.id);
    assert.strictEqual(saved?.endpoints.url, UNREACHABLE);
    assert.strictEqual((await api.store.getSecrets(record.id)).password, 'later-password');
    assert.notStrictEqual(api.manager.state(record.id).kind, 'signedIn');
    await api.store.remove(record.id);
    api.manager.forget(record.id);
  });

  it('shows the real total from the first step: OpenZiti 7, PingOne custom hosts 10, Aptible custom URLs 9, Cohesity 8', async () => {
    // OpenZiti, username and password: the total is 7 from the first step on (the trust modal has no number).
    const ziti = await add(zitiAnswers(sb, 'Counted controller', 'ziti-sandbox-admin', [{ confirm: 'Trust' }]));
    assert.deepStrictEqual(counter(ziti.q), ['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);

    const p = sb.details.pingone;
    const ping = await add([
      { pick: 'PingOne' },
      { pick: 'Custom hosts…' },
      { input: p.urls.apiBase },
      { input: p.urls.authBase },
      { pick: 'Use http:// anyway' },
      { input: 'Counted Ping' },
      { pick: 'Not production' },
      { input: p.credentials.environmentId },
      { input: p.credentials.basicClientId },
      { input: p.credentials.basicClientSecret },
      { pick: /Authorization header/ },
    ]);
    assert.ok(ping.record, JSON.stringify(api.recentErrors.slice(-1)));
    // Before the backend is chosen the total is OpenZiti's; from the backend on it is the PingOne path's (the region
    // step counts 8, choosing custom hosts makes it 10); the http:// warning shares the address step's number.
    assert.deepStrictEqual(counter(ping.q), ['1/7', '2/8', '3/10', '4/10', '4/10', '5/10', '6/10', '7/10', '8/10', '9/10', '10/10']);

    const a = sb.details.aptible;
    const apt = await add([
      { pick: 'Aptible' },
      { pick: 'Custom URLs…' },
      { input: sb.urls.aptible },
      { input: sb.urls.aptible },
      { pick: 'Use http:// anyway' },
      { input: 'Counted Aptible' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: a.credentials.email },
      { input: a.credentials.password },
    ]);
    assert.ok(apt.record, JSON.stringify(api.recentErrors.slice(-1)));
    assert.deepStrictEqual(counter(apt.q), ['1/7', '2/7', '3/9', '4/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
  });

  it('a self-signed Cohesity certificate is worded as the server\'s own certificate, not one it chains to', async () => {
    const c = sb.details.cohesity;
    const { record, q } = await add([
      { pick: 'Cohesity' },
      { input: sb.urls.cohesity },
      { confirm: 'Trust' },
      { input: 'Counted Cohesity' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: c.credentials.username },
      { input: c.credentials.password },
      { input: 'LOCAL' },
    ]);
    assert.ok(record, JSON.stringify(api.recentErrors.slice(-1)));
    const trust = q.asked.find((a) => a.kind === 'confirm') as Asked;
    assert.match(trust.detail ?? '', /the server's own certificate \(self-signed\)/);
    assert.doesNotMatch(trust.detail ?? '', /chains to this certificate/);
    assert.deepStrictEqual(counter(q), ['1/7', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
  });
});
