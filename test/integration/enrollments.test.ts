import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { SandboxRequest } from '../sandbox/types';
import { testingApi } from './helpers';
import { Answer, QueuedInput } from './queuedInput';
import { ZitiFixture, zitiFixture } from './zitiFixture';

type Ref = { connectionId: string; enrollmentId: string };
type SandboxEnrollment = ReturnType<ZitiFixture['state']>['data']['enrollments'] extends Map<string, infer E> ? E : never;

async function item(node: TreeNode): Promise<vscode.TreeItem> {
  return node.getTreeItem();
}

function tooltipText(i: vscode.TreeItem): string {
  return typeof i.tooltip === 'string' ? i.tooltip : (i.tooltip?.value ?? '');
}

describe('enrollments (OpenZiti sandbox)', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let fx: ZitiFixture;
  let tmp: string;

  before(async () => {
    api = await testingApi();
    fx = await zitiFixture(api, 'ziti-enrollments', 'Enrollment controller');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-jwt-'));
  });

  after(async () => {
    api.setUserInput(undefined);
    await vscode.workspace.getConfiguration().update('sessionManager.ziti.enrollmentGroupBy', undefined, vscode.ConfigurationTarget.Global);
    for (const r of api.webviews.list('enrollmentQr')) {
      r.dispose();
    }
    await fx.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function answer(answers: Answer[]): QueuedInput {
    const q = new QueuedInput(answers, api.BACK);
    api.setUserInput(q);
    return q;
  }

  function enrollments(): SandboxEnrollment[] {
    return [...fx.state().data.enrollments.values()];
  }

  /** An identity without an outstanding enrollment of `method`, not used by an earlier test. */
  const used = new Set<string>();
  function freeIdentity(method: string): { id: string; name: string } {
    const st = fx.state();
    const busy = new Set(enrollments().filter((e) => e.method === method).map((e) => e.identityId));
    const found = [...st.data.identities.values()].find((i) => !busy.has(i.id) && !used.has(i.id) && !i.isAdmin && /^[a-z0-9-]+$/.test(i.name));
    assert.ok(found, `a free identity for ${method}`);
    used.add(found.id);
    return { id: found.id, name: found.name };
  }

  async function root(): Promise<TreeNode> {
    const roots = await api.views.providers.enrollments.getChildren();
    const r = roots.find((n) => n.id === `ziti/${fx.connectionId}/enrollments`);
    assert.ok(r, `an Enrollments root for the connection among [${roots.map((n) => n.id).join(', ')}]`);
    return r;
  }

  async function leaves(): Promise<TreeNode[]> {
    const p = api.views.providers.enrollments;
    const out: TreeNode[] = [];
    for (const n of await p.getChildren(await root())) {
      const ctx = String((await item(n)).contextValue);
      if (ctx.startsWith('zitiEnrollmentGroup')) {
        out.push(...(await p.getChildren(n)));
      } else if (ctx.startsWith('zitiEnrollment;')) {
        out.push(n);
      }
    }
    return out;
  }

  async function detail(id: string): Promise<{ jwt?: string; token?: string; username?: string; caId?: string; expiresAt?: string } | undefined> {
    const client = (await api.manager.signedInClient(fx.connectionId)) as unknown as { api<T>(r: unknown): Promise<T> };
    try {
      return (await client.api<{ data: { jwt?: string; token?: string; username?: string; caId?: string } }>({ method: 'GET', path: `/enrollments/${id}`, operation: 'test read' })).data;
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        return undefined;
      }
      throw e;
    }
  }

  function createAnswers(name: string, method: string, extra: Answer[], expiry: Answer[] = [{ pick: '24 hours' }], handout: Answer = { pick: 'Done' }): Answer[] {
    return [{ input: name }, { pick: name }, { pick: method }, ...extra, ...expiry, handout];
  }

  async function create(answers: Answer[]): Promise<{ ref: Ref; q: QueuedInput }> {
    const q = answer(answers);
    const ref = (await vscode.commands.executeCommand('sessionManager.createEnrollment', fx.connectionId)) as Ref | undefined;
    assert.ok(ref, `create returned nothing; errors: ${JSON.stringify(api.recentErrors.slice(-2))}; asked ${JSON.stringify(q.asked.map((a) => a.text))}`);
    assert.strictEqual(q.remaining, 0, 'every queued answer was used');
    return { ref, q };
  }

  /** Undoes what the last test seeded in the sandbox. */
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  it('lists identity and router enrollments under the controller, with method and expiry, and never a secret', async () => {
    const rootItem = await item(await root());
    assert.strictEqual(rootItem.label, 'Enrollment controller');
    assert.match(String(rootItem.contextValue), /^zitiEnrollmentRoot;canCreate;canRefresh$/);
    // Seed what the test needs: one identity enrollment that expired three hours ago, beside unexpired ones.
    const expired = enrollments().find((e) => e.method === 'ott' && e.expiresAt > Date.now());
    assert.ok(expired, 'an outstanding ott enrollment to expire');
    const originalExpiry = expired.expiresAt;
    restore = () => {
      expired.expiresAt = originalExpiry;
    };
    expired.expiresAt = Date.now() - 3 * 3600_000 - 60_000;
    assert.ok(enrollments().some((e) => e.expiresAt > Date.now()), 'unexpired enrollments remain');
    const nodes = await leaves();
    const all = enrollments();
    assert.strictEqual(nodes.length, all.length, 'one item per outstanding enrollment');
    assert.match(String((await item(await root())).description), new RegExp(`^${all.filter((e) => e.expiresAt > Date.now()).length} outstanding`));
    const st = fx.state();
    const secrets = all.flatMap((e) => [e.token]);
    let sawRouter = false;
    let sawExpired = false;
    let sawUnexpired = false;
    for (const n of nodes) {
      const i = await item(n);
      const e = all.find((x) => n.id === `ziti/${fx.connectionId}/enrollment/${x.id}`);
      assert.ok(e, `${n.id} is a sandbox enrollment`);
      const expected = e.identityId ? st.data.identities.get(e.identityId)?.name : st.data.routers.get(e.edgeRouterId ?? '')?.name;
      assert.strictEqual(i.label, expected);
      assert.match(String(i.description), new RegExp(`^${e.method} · (expires in \\d+ (min|h|d)|expired \\d+ (min|h|d) ago)$`));
      const tip = tooltipText(i);
      assert.ok(tip.includes(e.id.replace(/-/g, '\\-')), 'the tooltip names the id');
      for (const s of secrets) {
        assert.ok(!tip.includes(s) && !String(i.description).includes(s) && !String(i.label).includes(s), 'no token in the item');
      }
      assert.ok(!/eyJ/.test(tip), 'no JWT in the tooltip');
      if (e.method === 'erott') {
        sawRouter = true;
        assert.ok(!String(i.contextValue).includes('canRefresh'), 'router enrollments are not refreshed here');
      } else {
        assert.match(String(i.contextValue), /^zitiEnrollment;.*canRefresh/);
      }
      if (e.method === 'updb') {
        assert.ok(tip.includes('Username'), 'updb tooltips show the username');
      }
      if (e.method === 'ottca') {
        assert.ok(tip.includes('CA'), 'ottca tooltips show the CA');
      }
      if (e.expiresAt < Date.now()) {
        sawExpired = true;
        assert.match(String(i.description), /expired .* ago$/);
      } else {
        sawUnexpired = true;
        assert.match(String(i.description), / · expires in /);
      }
      if (e.id === expired.id) {
        assert.strictEqual(i.description, 'ott · expired 3 h ago');
      }
    }
    assert.ok(sawRouter, 'router enrollments are listed');
    assert.ok(sawExpired && sawUnexpired, 'the seeded expired enrollment and unexpired ones are listed');
    // Details are redacted.
    const withJwt = nodes[0] as unknown as { detailsTitle(): string; details(): unknown; id: string };
    const text = await api.details.provideTextDocumentContent(api.details.uriFor(withJwt));
    assert.ok(text.includes('«redacted»'), 'jwt and token are redacted in details');
    assert.ok(!/eyJ/.test(text) && !secrets.some((s) => text.includes(s)), 'no secret in the details');
  });

  it('groups by method and by identity through the setting and its title action', async () => {
    const p = api.views.providers.enrollments;
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.groupEnrollmentsBy', 'method'), 'method');
    const groups = await p.getChildren(await root());
    const labels = await Promise.all(groups.map(async (g) => String((await item(g)).label)));
    const methods = [...new Set(enrollments().map((e) => e.method))].sort();
    assert.deepStrictEqual(labels, methods);
    for (const g of groups) {
      const kids = await p.getChildren(g);
      const m = String((await item(g)).label);
      assert.strictEqual(kids.length, enrollments().filter((e) => e.method === m).length);
      assert.match(String((await item(g)).description), /^\d+ enrollments?$/);
    }
    answer([{ pick: 'Identity or router' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.groupEnrollmentsBy'), 'identity');
    const byIdentity = await p.getChildren(await root());
    const subjects = new Set(enrollments().map((e) => e.identityId ?? e.edgeRouterId));
    assert.strictEqual(byIdentity.length, subjects.size);
    assert.strictEqual((await leaves()).length, enrollments().length);
    assert.match(String((await item(await root())).description), /by identity/);
    await vscode.commands.executeCommand('sessionManager.groupEnrollmentsBy', 'none');
  });

  it('creates an ott enrollment, reads its JWT back and copies it', async () => {
    const who = freeIdentity('ott');
    const { ref, q } = await create(createAnswers(who.name, 'ott', [], [{ pick: '24 hours' }], { pick: 'Copy JWT' }));
    const e = fx.state().data.enrollments.get(ref.enrollmentId);
    assert.ok(e && e.method === 'ott' && e.identityId === who.id);
    const steps = q.asked.filter((a) => a.title.startsWith('Create Enrollment'));
    assert.deepStrictEqual(steps.map((a) => `${a.step}/${a.totalSteps}`), ['1/4', '2/4', '3/4', '4/4'], 'ott: four steps, the total known from the start');
    const jwt = (await detail(ref.enrollmentId))?.jwt;
    assert.ok(jwt && jwt.startsWith('eyJ'));
    assert.strictEqual(await vscode.env.clipboard.readText(), jwt, 'the JWT is on the clipboard');
    const node = (await leaves()).find((n) => n.id === `ziti/${fx.connectionId}/enrollment/${ref.enrollmentId}`);
    assert.ok(node, 'the new enrollment is in the tree');
    assert.match(String((await item(node)).description), /^ott · expires in (23|24) h$/);
  });

  it('offers only CAs with OTT CA enrollment enabled for ottca', async () => {
    const who = freeIdentity('ottca');
    const cas = [...fx.state().data.cas.values()];
    const enabled = cas.filter((c) => c.isOttCaEnrollmentEnabled).map((c) => c.name);
    assert.ok(enabled.length > 0 && enabled.length < cas.length, 'the sandbox has CAs of both kinds');
    const { ref, q } = await create(createAnswers(who.name, 'ottca', [{ pick: enabled[0] }], [{ pick: '7 days' }]));
    const caPick = q.asked.find((a) => a.kind === 'pick' && a.items?.includes(enabled[0]));
    assert.ok(caPick);
    assert.deepStrictEqual([...(caPick.items ?? [])].sort(), [...enabled].sort(), 'only enabled CAs are offered');
    const d = await detail(ref.enrollmentId);
    assert.strictEqual(d?.caId, cas.find((c) => c.name === enabled[0])?.id);
  });

  it('asks for a username for updb', async () => {
    const who = freeIdentity('updb');
    const { ref, q } = await create(createAnswers(who.name, 'updb', [{ input: 'carol' }], [{ pick: '1 hour' }]));
    assert.ok(q.asked.some((a) => a.kind === 'input' && /Username/.test(a.text)));
    assert.strictEqual((await detail(ref.enrollmentId))?.username, 'carol');
    const steps = q.asked.filter((a) => a.title.startsWith('Create Enrollment'));
    assert.deepStrictEqual(steps.map((a) => `${a.step}/${a.totalSteps}`), ['1/4', '2/4', '3/4', '4/5', '5/5'], 'updb: five steps once the method is chosen (four before: the ott path)');
  });

  it('refuses a custom expiry in the past and accepts one in the future', async () => {
    const who = freeIdentity('ott');
    const future = new Date(Date.now() + 3 * 24 * 3600_000);
    const pad = (n: number): string => String(n).padStart(2, '0');
    const typed = `${future.getFullYear()}-${pad(future.getMonth() + 1)}-${pad(future.getDate())} 12:00`;
    const { ref, q } = await create(createAnswers(who.name, 'ott', [], [{ pick: 'Custom date…' }, { input: '2001-01-01 10:00' }, { input: typed }]));
    const asked = q.asked.find((a) => a.kind === 'input' && /Expiry date/.test(a.text));
    assert.strictEqual(asked?.validation, 'The expiry must lie in the future.');
    const e = fx.state().data.enrollments.get(ref.enrollmentId);
    assert.ok(e);
    const local = new Date(future.getFullYear(), future.getMonth(), future.getDate(), 12, 0).getTime();
    assert.strictEqual(e.expiresAt, local, 'the typed local time was sent');
  });

  it('on 409 offers to refresh or delete the outstanding enrollment, and both work', async () => {
    const existing = enrollments().find((e) => e.method === 'ott' && e.identityId);
    assert.ok(existing);
    const name = fx.state().data.identities.get(existing.identityId ?? '')?.name ?? '';
    const oldJwt = (await detail(existing.id))?.jwt;
    // Refresh it.
    const first = answer([{ input: name }, { pick: name }, { pick: 'ott' }, { pick: '7 days' }, { confirm: 'Refresh It' }, { pick: 'Done' }]);
    const refreshed = (await vscode.commands.executeCommand('sessionManager.createEnrollment', fx.connectionId)) as Ref | undefined;
    assert.ok(refreshed, JSON.stringify(api.recentErrors.slice(-2)));
    assert.strictEqual(first.remaining, 0);
    const conflict = first.asked.find((a) => a.kind === 'confirm');
    assert.match(conflict?.text ?? '', /already has an outstanding ott enrollment/);
    assert.deepStrictEqual(conflict?.items, ['Refresh It', 'Delete and Recreate']);
    assert.strictEqual(refreshed.enrollmentId, existing.id, 'the same enrollment, refreshed');
    const newJwt = (await detail(existing.id))?.jwt;
    assert.ok(newJwt && oldJwt && newJwt !== oldJwt, 'a new JWT');
    // Delete and recreate it.
    const second = answer([{ input: name }, { pick: name }, { pick: 'ott' }, { pick: '24 hours' }, { confirm: 'Delete and Recreate' }, { pick: 'Done' }]);
    const recreated = (await vscode.commands.executeCommand('sessionManager.createEnrollment', fx.connectionId)) as Ref | undefined;
    assert.ok(recreated);
    assert.strictEqual(second.remaining, 0);
    assert.notStrictEqual(recreated.enrollmentId, existing.id);
    assert.strictEqual(await detail(existing.id), undefined, 'the old enrollment is gone');
    assert.ok(await detail(recreated.enrollmentId));
  });

  it('refresh asks for the expiry, warns that the old JWT stops working, and serves a new JWT', async () => {
    const target = enrollments().find((e) => e.method === 'updb' && e.identityId);
    assert.ok(target);
    const ref: Ref = { connectionId: fx.connectionId, enrollmentId: target.id };
    const oldJwt = (await detail(target.id))?.jwt;
    const q = answer([{ pick: '7 days' }, { confirm: 'Refresh' }, { pick: 'Copy JWT' }]);
    const res = (await vscode.commands.executeCommand('sessionManager.refreshEnrollment', ref)) as Ref | undefined;
    assert.ok(res, JSON.stringify(api.recentErrors.slice(-2)));
    assert.strictEqual(q.remaining, 0);
    const warn = q.asked.find((a) => a.kind === 'confirm');
    assert.match(warn?.detail ?? '', /current JWT stops working/);
    const copied = await vscode.env.clipboard.readText();
    assert.ok(copied.startsWith('eyJ') && copied !== oldJwt, 'the copied JWT is new');
    assert.strictEqual((await detail(target.id))?.jwt, copied, 'the controller serves the new JWT, not the old one');
    // Cancelling the warning changes nothing.
    answer([{ pick: '1 hour' }, { confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.refreshEnrollment', ref);
    assert.strictEqual((await detail(target.id))?.jwt, copied);
  });

  it('deletes after a confirmation that names the identity, method and controller', async () => {
    const target = enrollments().find((e) => e.method === 'ottca' && e.identityId);
    assert.ok(target);
    const name = fx.state().data.identities.get(target.identityId ?? '')?.name ?? '';
    const node = (await leaves()).find((n) => n.id.endsWith(`/enrollment/${target.id}`));
    assert.ok(node);
    answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.deleteEnrollment', node);
    assert.ok(await detail(target.id), 'Cancel keeps it');
    const q = answer([{ confirm: 'Delete' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.deleteEnrollment', node), true);
    const asked = q.asked[0];
    assert.ok(asked.text.includes(name) && asked.text.includes('ottca') && asked.text.includes('Enrollment controller'), asked.text);
    assert.strictEqual(await detail(target.id), undefined, 'deleted on the controller');
    assert.ok(!(await leaves()).some((n) => n.id.endsWith(`/enrollment/${target.id}`)), 'gone from the tree');
  });

  /** The header's counts, and the counts of the rows under it (expired ones apart). */
  async function headerAndRows(): Promise<{ header: string; live: number; expired: number; sandboxLive: number; sandboxExpired: number }> {
    const r = await root();
    const nodes = await leaves();
    const header = String((await item(await root())).description);
    let expired = 0;
    for (const n of nodes) {
      if (/warning/.test(String(((await item(n)).iconPath as vscode.ThemeIcon | undefined)?.id))) {
        expired++;
      }
    }
    void r;
    const now = Date.now();
    return {
      header,
      live: nodes.length - expired,
      expired,
      sandboxLive: enrollments().filter((e) => e.expiresAt > now).length,
      sandboxExpired: enrollments().filter((e) => e.expiresAt <= now).length,
    };
  }

  it('the header counts what the rows show, expired apart, right after a create and a delete', async () => {
    // Redraw the view once so the header has been drawn from a read before the change.
    await headerAndRows();
    const before = await headerAndRows();
    assert.ok(before.sandboxExpired > 0, 'the sandbox has expired enrollments');
    assert.strictEqual(before.header.split(' · ').slice(0, 2).join(' · '), `${before.live} outstanding · ${before.expired} expired`);
    assert.strictEqual(before.live, before.sandboxLive);
    const id = freeIdentity('ott');
    const { ref } = await create(createAnswers(id.name, 'ott', []));
    // The header right after the command, before anything else reads the list again.
    const afterCreate = String((await item(await root())).description);
    assert.match(afterCreate, new RegExp(`^${before.sandboxLive + 1} outstanding · ${before.sandboxExpired} expired`), 'the header counts the new enrollment at once');
    const rowsAfterCreate = await headerAndRows();
    assert.strictEqual(rowsAfterCreate.live, before.live + 1);
    assert.ok(rowsAfterCreate.header.startsWith(`${rowsAfterCreate.live} outstanding · ${rowsAfterCreate.expired} expired`), rowsAfterCreate.header);
    answer([{ confirm: 'Delete' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.deleteEnrollment', ref), true);
    const afterDelete = String((await item(await root())).description);
    assert.match(afterDelete, new RegExp(`^${before.sandboxLive} outstanding · ${before.sandboxExpired} expired`), 'the header drops the deleted enrollment at once');
    const rowsAfterDelete = await headerAndRows();
    assert.strictEqual(rowsAfterDelete.live, before.live);
  });

  it('the delete confirmation says the identity can still enroll when it has another enrollment, and not when it has none', async () => {
    const target = enrollments().find((e) => e.identityId && e.expiresAt > Date.now() && enrollments().filter((x) => x.identityId === e.identityId).length === 1);
    assert.ok(target, 'an identity with exactly one outstanding enrollment');
    const name = fx.state().data.identities.get(target.identityId ?? '')?.name ?? '';
    // A second, live enrollment of another method for the same identity.
    const other = { ...target, id: `${target.id}x2`, method: target.method === 'updb' ? 'ott' : 'updb', token: `${target.token}2`, username: 'second', expiresAt: Date.now() + 3 * 86_400_000 };
    fx.state().data.enrollments.set(other.id, other);
    let q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.deleteEnrollment', { connectionId: fx.connectionId, enrollmentId: target.id });
    const withOther = q.asked[0]?.detail ?? '';
    assert.match(withOther, new RegExp(`${name} can still enroll with its other enrollment \\(${other.method}, expires in`), withOther);
    assert.doesNotMatch(withOther, /cannot enroll/);
    // With the other one gone, deleting the last one says the identity cannot enroll.
    fx.state().data.enrollments.delete(other.id);
    q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.deleteEnrollment', { connectionId: fx.connectionId, enrollmentId: target.id });
    assert.match(q.asked[0]?.detail ?? '', new RegExp(`${name} cannot enroll until a new enrollment is created`));
    assert.ok(await detail(target.id), 'Cancel kept it');
  });

  it('after Refresh, the picker offers Show QR Code and it opens the QR panel', async () => {
    const target = enrollments().find((e) => e.method === 'ott' && e.identityId && e.expiresAt > Date.now());
    assert.ok(target);
    const q = answer([{ pick: '7 days' }, { confirm: 'Refresh' }, { pick: 'Show QR Code' }]);
    const res = (await vscode.commands.executeCommand('sessionManager.refreshEnrollment', { connectionId: fx.connectionId, enrollmentId: target.id })) as Ref | undefined;
    assert.ok(res, JSON.stringify(api.recentErrors.slice(-2)));
    const handout = q.asked.find((a) => a.kind === 'pick' && (a.items ?? []).includes('Copy JWT'));
    assert.ok(handout?.items?.includes('Show QR Code'), `the picker after Refresh: ${JSON.stringify(handout?.items)}`);
    const qr = api.webviews.get('enrollmentQr', `${fx.connectionId}/${target.id}`);
    assert.ok(qr, 'the QR panel is open');
    qr.dispose();
  });

  it('copies the JWT to the clipboard and saves it as <identity>.jwt', async () => {
    const target = enrollments().find((e) => e.method === 'ott' && e.identityId && e.expiresAt > Date.now());
    assert.ok(target);
    const name = fx.state().data.identities.get(target.identityId ?? '')?.name ?? '';
    const ref: Ref = { connectionId: fx.connectionId, enrollmentId: target.id };
    const jwt = (await detail(target.id))?.jwt;
    assert.ok(jwt);
    // Named by a caller (another extension, a keybinding): the person consents in a modal first.
    await vscode.env.clipboard.writeText('something else');
    let q = answer([{ confirm: undefined }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.copyEnrollmentJwt', ref), undefined);
    assert.strictEqual(await vscode.env.clipboard.readText(), 'something else', 'no consent, no JWT on the clipboard');
    assert.match(q.asked[0].text, new RegExp(`^Copy the ott enrollment JWT of ${name} on Enrollment controller to the clipboard\\?$`));
    assert.match(q.asked[0].detail ?? '', /A command asked for it, not a click in Session Manager/);
    q = answer([{ confirm: 'Copy JWT' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.copyEnrollmentJwt', ref), true);
    assert.strictEqual(q.remaining, 0, 'consent given in the modal');
    assert.strictEqual(await vscode.env.clipboard.readText(), jwt);
    // From our own tree (the menu or the inline button pass the node): one click, no question.
    await vscode.env.clipboard.writeText('something else');
    const node = (await leaves()).find((n) => n.id.endsWith(`/enrollment/${target.id}`));
    assert.ok(node);
    q = answer([]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.copyEnrollmentJwt', node), true);
    assert.strictEqual(q.asked.length, 0);
    assert.strictEqual(await vscode.env.clipboard.readText(), jwt);

    // Saving: the dialog starts outside every workspace folder, the file is the owner's only (also when it replaces
    // one), and the log says where it went.
    const file = path.join(tmp, `${name}.jwt`);
    fs.writeFileSync(file, 'an older file anyone could read', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const logged: string[] = [];
    const info = api.log.info;
    api.log.info = (m: string): void => {
      logged.push(m);
      info.call(api.log, m);
    };
    try {
      q = answer([{ save: file }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.saveEnrollmentJwt', ref), file);
    } finally {
      api.log.info = info;
    }
    const proposed = q.asked[0].text;
    assert.strictEqual(path.basename(proposed), `${name}.jwt`, 'the dialog proposes <identity>.jwt');
    assert.ok(path.isAbsolute(proposed), `a full path, not a name the dialog puts in the workspace: ${proposed}`);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    assert.ok(folders.length > 0, 'the test host has a workspace folder');
    for (const f of folders) {
      const rel = path.relative(f, proposed);
      assert.ok(rel.startsWith('..') || path.isAbsolute(rel), `${proposed} is not inside the workspace folder ${f}`);
    }
    assert.strictEqual(fs.readFileSync(file, 'utf8'), jwt);
    if (process.platform !== 'win32') {
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600, 'an overwritten file is 0600 too');
    }
    assert.ok(logged.some((m) => m.includes(file)), `the log says where it went: ${logged.join(' | ')}`);
    answer([{ save: undefined }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.saveEnrollmentJwt', ref), undefined, 'Cancel writes nothing');
  });

  it('shows the QR code in a locked-down panel with no JWT text, one panel per enrollment', async () => {
    const target = enrollments().find((e) => e.method === 'ott' && e.identityId && e.expiresAt > Date.now());
    assert.ok(target);
    const ref: Ref = { connectionId: fx.connectionId, enrollmentId: target.id };
    const jwt = (await detail(target.id))?.jwt ?? '';
    await vscode.commands.executeCommand('sessionManager.showEnrollmentQr', ref);
    const rec = api.webviews.get('enrollmentQr', `${fx.connectionId}/${target.id}`);
    assert.ok(rec, `the QR panel is open; errors: ${JSON.stringify(api.recentErrors.slice(-2))}`);
    const html = rec.html();
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src [^;]+; script-src 'nonce-([A-Za-z0-9+/=]+)'; img-src [^;]+ data:;/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(html)?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}"`), 'the script carries the nonce');
    assert.ok(html.includes('<svg class="qr"'), 'the QR code is drawn');
    assert.ok(jwt.length > 100 && !html.includes(jwt), 'the JWT is not in the HTML');
    for (const part of jwt.split('.')) {
      assert.ok(!html.includes(part.slice(0, 24)), 'no part of the JWT is in the HTML');
    }
    assert.ok(!/eyJ/.test(html));
    assert.match(html, /This QR code is a secret/);
    await vscode.commands.executeCommand('sessionManager.showEnrollmentQr', ref);
    assert.strictEqual(api.webviews.get('enrollmentQr', rec.key), rec, 'the same panel');
    assert.strictEqual(rec.reveals, 1);
    // The panel's Copy button goes through a validated message.
    await vscode.env.clipboard.writeText('x');
    await rec.receive({ type: 'copy', jwt: 'injected' });
    assert.strictEqual(await vscode.env.clipboard.readText(), 'x', 'a malformed message is ignored');
    await rec.receive({ type: 'copy' });
    assert.strictEqual(await vscode.env.clipboard.readText(), jwt);
  });
});

describe('enrollments on a production controller (OpenZiti sandbox)', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let fx: ZitiFixture;

  before(async () => {
    api = await testingApi();
    fx = await zitiFixture(api, 'ziti-enroll-prod', 'Prod enrollment controller', { production: true });
  });

  after(async () => {
    api.setUserInput(undefined);
    await fx.stop();
  });

  function answer(answers: Answer[]): QueuedInput {
    const q = new QueuedInput(answers, api.BACK);
    api.setUserInput(q);
    return q;
  }

  async function jwtOf(id: string): Promise<string | undefined> {
    const client = (await api.manager.signedInClient(fx.connectionId)) as unknown as { api<T>(r: unknown): Promise<T> };
    try {
      return (await client.api<{ data: { jwt?: string } }>({ method: 'GET', path: `/enrollments/${id}`, operation: 'test read' })).data.jwt;
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        return undefined;
      }
      throw e;
    }
  }

  function identityEnrollment(method: string, skip: string[] = []): { id: string; name: string } {
    const st = fx.state();
    const e = [...st.data.enrollments.values()].find((x) => x.method === method && x.identityId && !skip.includes(x.id) && /^[a-z0-9-]+$/.test(st.data.identities.get(x.identityId)?.name ?? ''));
    assert.ok(e, `an ${method} enrollment of an identity`);
    return { id: e.id, name: st.data.identities.get(e.identityId ?? '')?.name ?? '' };
  }

  it('refresh asks for the typed name; a wrong name changes nothing', async () => {
    const { id, name } = identityEnrollment('updb');
    const ref = { connectionId: fx.connectionId, enrollmentId: id };
    const before = await jwtOf(id);
    let q = answer([{ pick: '7 days' }, { confirm: 'Refresh' }, { typed: 'not the name' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.refreshEnrollment', ref), undefined);
    assert.strictEqual(q.remaining, 0);
    assert.strictEqual(q.asked[2].kind, 'typeToConfirm');
    assert.match(q.asked[2].text, new RegExp(`^Prod enrollment controller is a production controller\\. Type ${name} to refresh the updb enrollment of identity ${name}\\.$`));
    assert.strictEqual(await jwtOf(id), before, 'not refreshed');
    q = answer([{ pick: '7 days' }, { confirm: 'Refresh' }, { typed: name }, { pick: 'Done' }]);
    assert.ok(await vscode.commands.executeCommand('sessionManager.refreshEnrollment', ref), JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.remaining, 0);
    assert.notStrictEqual(await jwtOf(id), before, 'refreshed: a new JWT');
  });

  it('delete and recreate (after a 409) asks for the typed name too', async () => {
    const { id, name } = identityEnrollment('ott');
    const create = (typed: string): Answer[] => [{ input: name }, { pick: name }, { pick: 'ott' }, { pick: '24 hours' }, { confirm: 'Delete and Recreate' }, { typed }];
    let q = answer(create('wrong'));
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.createEnrollment', fx.connectionId), undefined);
    assert.strictEqual(q.remaining, 0);
    assert.match(q.asked[5].text, new RegExp(`Type ${name} to delete and recreate the ott enrollment of identity ${name}\\.$`));
    assert.ok(await jwtOf(id), 'a wrong name deletes nothing');
    q = answer([...create(name), { pick: 'Done' }]);
    const ref = (await vscode.commands.executeCommand('sessionManager.createEnrollment', fx.connectionId)) as { enrollmentId: string } | undefined;
    assert.ok(ref, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.remaining, 0);
    assert.notStrictEqual(ref.enrollmentId, id);
    assert.strictEqual(await jwtOf(id), undefined, 'the old one is gone');
  });
});

describe('enrollments paging and faults (OpenZiti sandbox)', function () {
  this.timeout(90_000);
  let api: TestingApi;
  /** The controller that pages and gets the faults. */
  let fx: ZitiFixture;
  /** Another controller (its own sandbox): never faulted, must stay intact. */
  let other: ZitiFixture;
  const requests: { method: string; path: string }[] = [];
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('sessionManager');
  const kids = (n?: TreeNode): Promise<TreeNode[]> => api.views.providers.enrollments.getChildren(n);

  before(async () => {
    api = await testingApi();
    fx = await zitiFixture(api, 'ziti-enroll-faults', 'Faulty enrollment controller');
    other = await zitiFixture(api, 'ziti-enroll-other', 'Other enrollment controller');
    const backend = fx.sb.state.ziti;
    const original = backend.handle.bind(backend);
    backend.handle = (req: SandboxRequest) => {
      requests.push({ method: req.method, path: req.path });
      return original(req);
    };
  });

  after(async () => {
    api.setUserInput(undefined);
    await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    await fx.stop();
    await other.stop();
  });

  function countRequests(re: RegExp, method = 'GET'): number {
    return requests.filter((r) => r.method === method && re.test(r.path)).length;
  }

  /** How many faulty answers the sandbox has left to give (its admin endpoint; a faulted request never reaches the backend). */
  function faultsRemaining(): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const d = fx.sb.details.ziti;
      https
        .get(`${d.origin}/__sandbox/faults`, { ca: d.trustPem ?? fx.sb.ca.pem }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve((JSON.parse(body) as { remaining: number | null }).remaining));
        })
        .on('error', reject);
    });
  }

  async function rootOf(f: ZitiFixture): Promise<TreeNode> {
    const roots = await kids();
    const r = roots.find((n) => n.id === `ziti/${f.connectionId}/enrollments`);
    assert.ok(r, `an Enrollments root for ${f.connectionId} among [${roots.map((n) => n.id).join(', ')}]`);
    return r;
  }

  function isLeaf(n: TreeNode): boolean {
    return n.id.includes('/enrollment/');
  }

  function sandboxIds(f: ZitiFixture): string[] {
    return [...f.state().data.enrollments.keys()].map((id) => `ziti/${f.connectionId}/enrollment/${id}`).sort();
  }

  /** The other controller's Enrollments and both controllers' Environments nodes are as they were. */
  async function restIntact(): Promise<void> {
    const otherLeaves = (await kids(await rootOf(other))).filter(isLeaf);
    assert.deepStrictEqual(otherLeaves.map((n) => n.id).sort(), sandboxIds(other), "the other controller's enrollments are intact");
    const env = api.views.providers.environments;
    const zitiGroup = (await env.getChildren()).find((n) => n.id === 'backend/ziti');
    assert.ok(zitiGroup, 'the OpenZiti group is in the Environments view');
    const envRoots = await env.getChildren(zitiGroup);
    for (const f of [fx, other]) {
      assert.ok(envRoots.some((n) => n.id === `conn/${f.connectionId}`), `${f.label} is still in the Environments view`);
    }
    const otherConn = envRoots.find((n) => n.id === `conn/${other.connectionId}`);
    assert.ok(otherConn);
    assert.strictEqual(api.manager.state(other.connectionId).kind, 'signedIn');
    const envs = await env.getChildren(otherConn);
    assert.ok(envs.length > 0 && envs.every((n) => !String(n.id).endsWith('/error')), 'the other controller still lists its environments');
  }

  it('pages by sessionManager.pageSize with Load more… (N of M shown) and Load all', async () => {
    const total = fx.state().data.enrollments.size;
    assert.ok(total > 10, `the sandbox has more than two pages of 5 (${total})`);
    await config().update('pageSize', 5, vscode.ConfigurationTarget.Global);
    try {
      const root = await rootOf(fx);
      let children = await kids(root);
      assert.strictEqual(children.filter(isLeaf).length, 5, 'one page of 5');
      let more = children[children.length - 1];
      let mi = await item(more);
      assert.strictEqual(mi.label, 'Load more…');
      assert.strictEqual(mi.description, `5 of ${total} shown`);
      assert.match(String(mi.contextValue), /^loadMore;canLoadAll/);
      assert.strictEqual((mi.command?.arguments?.[0] as TreeNode | undefined)?.id, root.id, 'Load more… acts on the controller');
      assert.match(String((await item(root)).description), new RegExp(`^\\d+ outstanding .*5 of ${total} loaded`));

      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.loadMore', root), true);
      children = await kids(root);
      assert.strictEqual(children.filter(isLeaf).length, 10, 'the next page was added');
      assert.strictEqual(new Set(children.map((c) => c.id)).size, children.length, 'unique ids');
      more = children[children.length - 1];
      mi = await item(more);
      assert.strictEqual(mi.description, `10 of ${total} shown`);
      // A refresh keeps the depth.
      children = await kids(await rootOf(fx));
      assert.strictEqual(children.filter(isLeaf).length, 10);

      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.loadAll', children[children.length - 1]), true);
      children = await kids(await rootOf(fx));
      assert.deepStrictEqual(children.filter(isLeaf).map((n) => n.id).sort(), sandboxIds(fx), 'every enrollment is shown');
      assert.ok(!children.some((n) => n.id.endsWith('/more')), 'no Load more… once all are shown');
    } finally {
      await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
    // A new page size starts over from the first page (default 100: everything here).
    assert.strictEqual((await kids(await rootOf(fx))).filter(isLeaf).length, total);
  });

  it('retries a 429 with Retry-After once and shows the enrollments', async () => {
    const before = countRequests(/\/enrollments$/);
    const logged: string[] = [];
    const info = api.log.info;
    api.log.info = (m: string): void => {
      logged.push(m);
      info.call(api.log, m);
    };
    fx.sb.faults.set('ziti', { mode: 'rate-limit', count: 1, retryAfterSeconds: 1, pathRegex: '/enrollments$' });
    try {
      const children = await kids(await rootOf(fx));
      assert.deepStrictEqual(children.filter(isLeaf).map((n) => n.id).sort(), sandboxIds(fx), `children: ${children.map((n) => n.id).join(', ')}`);
      assert.strictEqual(await faultsRemaining(), 0, 'the list was answered 429 once');
      assert.ok(
        logged.some((m) => /\/enrollments\?\S* → 429; retry 1\/\d+ in 1000 ms \(Retry-After\)/.test(m)),
        `the client waited as told and retried: ${logged.filter((m) => m.includes('429')).join(' | ')}`,
      );
      assert.ok(countRequests(/\/enrollments$/) > before, 'the retry reached the controller');
    } finally {
      api.log.info = info;
      fx.sb.faults.clear('ziti');
    }
  });

  const faults: { mode: 'server-error' | 'unavailable' | 'reset' | 'malformed-json' | 'html-502'; message: RegExp }[] = [
    { mode: 'server-error', message: /failed: 500 UNHANDLED/ },
    { mode: 'unavailable', message: /failed: 503 SERVICE_UNAVAILABLE/ },
    { mode: 'reset', message: /failed: cannot reach /i },
    { mode: 'malformed-json', message: /malformed JSON/ },
    { mode: 'html-502', message: /HTML page \(status 502\)/ },
  ];
  for (const { mode, message } of faults) {
    it(`shows a persistent ${mode} fault as an error node under that controller only, and recovers on refresh`, async () => {
      fx.sb.faults.set('ziti', { mode, pathRegex: '/enrollments$', retryAfterSeconds: 0 });
      try {
        const children = await kids(await rootOf(fx));
        assert.strictEqual(children.length, 1, `one error node, not [${children.map((n) => n.id).join(', ')}]`);
        const i = await item(children[0]);
        assert.strictEqual(children[0].id, `ziti/${fx.connectionId}/enrollments/error`);
        assert.match(String(i.contextValue), /^error;canRetry/);
        assert.match(String(i.label), /Faulty enrollment controller: list enrollments failed: /);
        assert.match(String(i.label), message);
        await restIntact();
      } finally {
        fx.sb.faults.clear('ziti');
      }
      const again = await kids(await rootOf(fx));
      assert.deepStrictEqual(again.filter(isLeaf).map((n) => n.id).sort(), sandboxIds(fx), 'the enrollments are back after the fault');
    });
  }

  it('re-authenticates once, silently, when the API session expires mid-browse', async () => {
    await vscode.commands.executeCommand('sessionManager.groupEnrollmentsBy', 'method');
    try {
      const q = new QueuedInput([], api.BACK);
      api.setUserInput(q);
      fx.sb.faults.set('ziti', { expireTokens: true });
      fx.sb.faults.clear('ziti');
      const before = countRequests(/\/authenticate$/, 'POST');
      // Several loads at once (the view and a refresh racing), then the groups under the root.
      const [a, b] = await Promise.all([kids(await rootOf(fx)), kids(await rootOf(fx))]);
      const leaves: TreeNode[] = [];
      for (const g of b) {
        leaves.push(...(await kids(g)));
      }
      assert.ok(a.length > 1 && a.every((n) => n.id.includes('/by-method/')), `groups: ${a.map((n) => n.id).join(', ')}`);
      assert.deepStrictEqual(leaves.map((n) => n.id).sort(), sandboxIds(fx));
      const signIns = countRequests(/\/authenticate$/, 'POST') - before;
      assert.strictEqual(signIns, 1, `${signIns} sign-ins`);
      assert.strictEqual(q.asked.length, 0, 'no prompt');
      assert.strictEqual(api.manager.state(fx.connectionId).kind, 'signedIn');
    } finally {
      await vscode.commands.executeCommand('sessionManager.groupEnrollmentsBy', 'none');
      await vscode.workspace.getConfiguration().update('sessionManager.ziti.enrollmentGroupBy', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
