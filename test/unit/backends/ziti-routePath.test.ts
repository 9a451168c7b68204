// OpenZiti's route path (src/backends/ziti/routePath/resolve.ts) through the real ZitiClient against the sandbox
// controller over real HTTP: the hops the panel draws (roles, names resolved from router ids, online state, what a
// router is), what it shows when a router, an identity or the session itself is gone, the empty and too-long states,
// the operation its errors name, and answers the emulator never sends (answered in its place through `intercept`).
import * as assert from 'assert';
import type { Sandbox } from '../../sandbox/server';
import { ADMIN_PASSWORD, BASE_PATH, type ZitiState } from '../../sandbox/ziti';
import type { Router, Session } from '../../sandbox/ziti/data';
import type { SandboxRequest, SandboxResponse } from '../../sandbox/types';
import { ZitiClient } from '../../../src/backends/ziti/client';
import { MAX_ROUTERS, resolveRoutePath } from '../../../src/backends/ziti/routePath/resolve';
import { routePathTexts } from '../../../src/backends/ziti/routePath/page';
import { isHostMessage, type PathView } from '../../../src/webviews/path/protocol';
import { ApiError } from '../../../src/http/errors';
import { doubles, sandboxZitiRecord, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const LABEL = 'Lab controller';

describe('OpenZiti route path against the sandbox', function () {
  this.timeout(30_000);
  const { sandbox, clients } = useSandbox<ZitiClient>({ backends: ['ziti'] });
  const net = interceptEachTest(sandbox, 'ziti');
  let sb: Sandbox;
  let client: ZitiClient;
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;

  before(() => {
    sb = sandbox();
    const record = sandboxZitiRecord(sb, { id: 'ziti-route-path', label: LABEL });
    client = new ZitiClient(record, { password: ADMIN_PASSWORD }, doubles().deps);
    clients.push(client);
  });

  const resolve = (sessionId: string): Promise<PathView> =>
    resolveRoutePath(client, { connectionId: 'ziti-route-path', connectionLabel: LABEL, sessionId, autoRefreshSeconds: 30 });
  /** The view as the panel posts it, and whether the webview would accept it. */
  const accepted = (view: PathView): boolean => isHostMessage({ type: 'render', view: { ...view, texts: routePathTexts(view) } });
  const json = (body: unknown, status = 200): SandboxResponse => ({ status, body: JSON.stringify(body) });
  const envelope = (data: unknown): SandboxResponse => json({ data, meta: {} });
  const serverError = (): SandboxResponse => json({ error: { code: 'UNHANDLED', message: 'the controller failed', requestId: 'r1' }, meta: {} }, 500);

  /** Answers the session's detail as the emulator would, changed by `edit` (other answers, e.g. a 401 before the client signs in again, pass as they are). */
  function editSession(s: Session, edit: (data: Record<string, unknown>) => void): void {
    net().answer(route('GET', `${BASE_PATH}/sessions/${s.id}`), async (req: SandboxRequest) => {
      const answer = await net().original(req);
      if (answer.status === 200) {
        edit((answer.body as { data: Record<string, unknown> }).data);
      }
      return answer;
    });
  }

  function session(type: 'Dial' | 'Bind', pick: (s: Session) => boolean = () => true): Session {
    const s = [...state().data.sessions.values()].find((x) => x.type === type && pick(x));
    assert.ok(s, `the sandbox has a ${type} session`);
    return s;
  }
  const routers = (): Router[] => [...state().data.routers.values()];
  const onlineEdge = (): Router[] => routers().filter((r) => r.isEdge && r.isOnline);
  const offlineEdge = (): Router => {
    const r = routers().find((x) => x.isEdge && !x.isOnline);
    assert.ok(r, 'the sandbox has an offline edge router');
    return r;
  };
  const fabricOnly = (): Router => {
    const r = routers().find((x) => !x.isEdge);
    assert.ok(r, 'the sandbox has a fabric-only router');
    return r;
  };
  const identityName = (s: Session): string => state().data.identities.get(s.identityId)!.name;
  const serviceName = (s: Session): string => state().data.services.get(s.serviceId)!.name;
  /** A Dial session whose live circuit crosses `path` (router ids, ingress first). */
  function dialThrough(path: string[]): Session {
    const s = session('Dial');
    s.routePath = path;
    return s;
  }

  describe('the path of a live circuit', () => {
    it('draws the identity, each router by name with its role, kind and online state, and the service, in order', async () => {
      const [ingress] = onlineEdge();
      const transit = fabricOnly();
      const egress = offlineEdge();
      const s = dialThrough([ingress.id, transit.id, egress.id]);
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'path');
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.roleLabel, h.id, h.name, h.online, h.known, h.detail]),
        [
          ['identity', 'client identity', s.identityId, identityName(s), undefined, true, 'Dial'],
          ['ingress', 'ingress edge router', ingress.id, ingress.name, true, true, 'edge router'],
          ['transit', 'transit router', transit.id, transit.name, true, true, 'fabric router'],
          ['egress', 'egress router', egress.id, egress.name, false, true, 'edge router'],
          ['service', 'service', s.serviceId, serviceName(s), undefined, true, undefined],
        ],
      );
      assert.strictEqual(view.serviceName, serviceName(s));
      assert.strictEqual(view.sessionType, 'Dial');
      assert.strictEqual(view.identityName, identityName(s));
      assert.strictEqual(view.canRevoke, true, 'a live session can be revoked from the panel');
      assert.strictEqual(view.message, undefined);
      assert.ok(accepted(view));
      // Router ids are looked up as edge routers first; only the fabric-only one is asked for again as a router.
      const asked = net().sent.map((r) => r.path.slice(BASE_PATH.length));
      assert.deepStrictEqual(asked.filter((p) => p.startsWith('/routers/')), [`/routers/${transit.id}`]);
    });

    it('shows a router the controller no longer knows as unknown, and a fabric router that went offline as offline', async () => {
      const [ingress, egress] = onlineEdge();
      const transit = fabricOnly();
      transit.isOnline = false;
      const s = dialThrough([ingress.id, transit.id, 'gone-router', egress.id]);
      const view = await resolve(s.id);
      assert.deepStrictEqual(
        view.hops.slice(1, -1).map((h) => [h.role, h.name, h.online, h.known, h.detail]),
        [
          ['ingress', ingress.name, true, true, 'edge router'],
          ['transit', transit.name, false, true, 'fabric router'],
          ['transit', 'unknown router gone-router', undefined, false, 'not known to the controller'],
          ['egress', egress.name, true, true, 'edge router'],
        ],
      );
      assert.ok(accepted(view));
    });

    it('names the client identity by its id when the identity was deleted, and marks it unknown', async () => {
      const [er] = onlineEdge();
      const s = dialThrough([er.id]);
      state().data.identities.delete(s.identityId);
      const view = await resolve(s.id);
      assert.strictEqual(view.identityName, `unknown identity ${s.identityId}`);
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.roleLabel, h.name, h.known]),
        [
          ['identity', 'client identity', `unknown identity ${s.identityId}`, false],
          ['edge', 'ingress and egress router', er.name, true],
          ['service', 'service', serviceName(s), true],
        ],
      );
    });

    it('treats an identity read that answers without a body as an unknown identity', async () => {
      const [er] = onlineEdge();
      const s = dialThrough([er.id]);
      net().answer(route('GET', `${BASE_PATH}/identities/${s.identityId}`), { status: 204 });
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'path');
      assert.deepStrictEqual([view.hops[0].name, view.hops[0].known], [`unknown identity ${s.identityId}`, false]);
    });

    it('falls back to the id for a router or identity whose name is null, without calling it "not text"', async () => {
      const [er] = onlineEdge();
      const s = dialThrough([er.id]);
      net().answer(route('GET', `${BASE_PATH}/edge-routers/${er.id}`), envelope({ id: er.id, name: null, isOnline: true }));
      net().answer(route('GET', `${BASE_PATH}/identities/${s.identityId}`), envelope({ id: s.identityId, name: null }));
      const view = await resolve(s.id);
      assert.deepStrictEqual(view.hops.slice(0, 2).map((h) => h.name), [s.identityId, er.id]);
    });

    it('shows no online state for a fabric router whose isOnline is not a boolean, so the webview accepts the view', async () => {
      const transit = fabricOnly();
      const [ingress, egress] = onlineEdge();
      const s = dialThrough([ingress.id, transit.id, egress.id]);
      net().answer(route('GET', `${BASE_PATH}/routers/${transit.id}`), envelope({ id: transit.id, name: transit.name, isOnline: 'yes' }));
      const view = await resolve(s.id);
      assert.deepStrictEqual([view.hops[2].name, view.hops[2].online], [transit.name, undefined]);
      assert.ok(accepted(view));
    });
  });

  describe('what the controller sends that the emulator does not', () => {
    it('draws only the text router ids of a route path and leaves out empty strings, numbers and nulls', async () => {
      const [a, b] = onlineEdge();
      const s = dialThrough([]);
      net().answer(route('GET', `${BASE_PATH}/sessions/${s.id}/route-path`), envelope({ routePath: [a.id, '', 7, null, b.id] }));
      const view = await resolve(s.id);
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.name]),
        [
          ['identity', identityName(s)],
          ['ingress', a.name],
          ['egress', b.name],
          ['service', serviceName(s)],
        ],
      );
    });

    for (const [what, answer] of [
      ['a route path that is not a list', envelope({ routePath: 'er1,er2' })],
      ['an envelope without data', json({ meta: {} })],
      ['no body at all (204)', { status: 204 }],
    ] as [string, SandboxResponse][]) {
      it(`shows no live circuit for ${what}`, async () => {
        const s = dialThrough([onlineEdge()[0].id]);
        net().answer(route('GET', `${BASE_PATH}/sessions/${s.id}/route-path`), answer);
        const view = await resolve(s.id);
        assert.strictEqual(view.state, 'empty');
        assert.deepStrictEqual(view.hops, []);
        assert.strictEqual(
          view.message,
          `No live circuit: ${identityName(s)} holds this Dial session for ${serviceName(s)} but has no open connection through the fabric right now, so there is no route to show.`,
        );
        assert.ok(!net().sent.some((r) => /\/(edge-)?routers\//.test(r.path)), 'no router is looked up');
      });
    }

    it('says "unknown service" and "unknown identity" for a session that names neither', async () => {
      const [er] = onlineEdge();
      const s = dialThrough([er.id]);
      net().answer(route('GET', `${BASE_PATH}/sessions/${s.id}`), envelope({ id: s.id, type: 'Dial' }));
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'path');
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.id, h.name, h.known]),
        [
          ['identity', '', 'unknown identity', false],
          ['edge', er.id, er.name, true],
          ['service', '', 'unknown service', true],
        ],
      );
      assert.ok(!net().sent.some((r) => r.path.includes('/identities/')), 'no identity to look up');
    });

    it('does not look up an identity id that is not text', async () => {
      const [er] = onlineEdge();
      const s = dialThrough([er.id]);
      editSession(s, (data) => {
        data.identityId = 42;
      });
      const view = await resolve(s.id);
      assert.strictEqual(view.identityName, 'unknown identity');
      assert.deepStrictEqual([view.hops[0].id, view.hops[0].name], ['', 'unknown identity']);
      assert.ok(!net().sent.some((r) => r.path.includes('/identities/')), 'no identity to look up');
    });

    it('calls a session without a type an "unknown" session, with no route path', async () => {
      const s = session('Dial');
      editSession(s, (data) => {
        delete data.type;
      });
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'empty');
      assert.strictEqual(view.sessionType, 'unknown');
      assert.strictEqual(view.message, "OpenZiti does not say what type of session this is, so it has no route path. Route paths exist for Dial sessions with an open connection.");
      assert.ok(!net().sent.some((r) => r.path.endsWith('/route-path')));
    });
  });

  it('calls a session of another type by that type, with no route path', async () => {
    const s = session('Dial');
    editSession(s, (data) => {
      data.type = 'Invalid';
    });
    const view = await resolve(s.id);
    assert.strictEqual(view.state, 'empty');
    assert.strictEqual(view.message, 'This is not a Dial session (OpenZiti says its type is "Invalid"), so it has no route path. Route paths exist for Dial sessions with an open connection.');
    assert.ok(accepted(view), 'the panel takes the view');
  });

  describe('sessions without a path to draw', () => {
    it('a Bind session: names its service, type and identity, no route path, and can still be revoked', async () => {
      const s = session('Bind');
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'empty');
      assert.deepStrictEqual([view.serviceName, view.sessionType, view.identityName], [serviceName(s), 'Bind', identityName(s)]);
      assert.deepStrictEqual(view.hops, []);
      assert.strictEqual(view.canRevoke, true);
      assert.strictEqual(
        view.message,
        `This is a Bind session: it hosts ${serviceName(s)} rather than dialling it, so it has no route path. Route paths exist for Dial sessions with an open connection.`,
      );
      assert.ok(accepted(view));
    });

    it('a Dial session without a live circuit: the empty state, and it can still be revoked', async () => {
      const s = dialThrough([]);
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'empty');
      assert.deepStrictEqual([view.serviceName, view.sessionType, view.identityName], [serviceName(s), 'Dial', identityName(s)]);
      assert.strictEqual(view.canRevoke, true);
      assert.match(view.message ?? '', /^No live circuit: /);
    });

    it('a path longer than the panel draws: says so, looks no router up, and can still be revoked', async () => {
      const s = dialThrough(Array.from({ length: MAX_ROUTERS + 1 }, (_, i) => `r${i}`));
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'error');
      assert.strictEqual(view.canRevoke, true);
      assert.deepStrictEqual([view.serviceName, view.sessionType], [serviceName(s), 'Dial']);
      assert.ok(!net().sent.some((r) => /\/(edge-)?routers\//.test(r.path)));
    });

    it('a session the controller no longer has: ended, nothing to revoke, and the message names connection and session', async () => {
      const view = await resolve('no-such-session');
      assert.strictEqual(view.state, 'ended');
      assert.strictEqual(view.canRevoke, false);
      assert.strictEqual(view.message, `This session has ended: ${LABEL} no longer has a session no-such-session.`);
      assert.ok(accepted(view));
    });

    it('a session that ends between its read and its route path: ended, with the service it had', async () => {
      const s = dialThrough([onlineEdge()[0].id]);
      editSession(s, () => state().data.sessions.delete(s.id));
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'ended');
      assert.deepStrictEqual([view.serviceName, view.sessionType], [serviceName(s), 'Dial']);
      assert.deepStrictEqual(view.hops, []);
      assert.strictEqual(view.canRevoke, false);
      assert.strictEqual(view.message, `This session has ended: ${LABEL} no longer has a session ${s.id}.`);
    });
  });

  it('a failed identity read on a path that then ended is not left as an unhandled rejection', async () => {
    const [edge] = onlineEdge();
    const s = dialThrough([edge.id]);
    let answered!: () => void;
    const identityAnswered = new Promise<void>((r) => (answered = r));
    net().answer(route('GET', `${BASE_PATH}/identities/${s.identityId}`), () => {
      answered();
      return serverError();
    });
    net().answer(route('GET', `${BASE_PATH}/sessions/${s.id}/route-path`), json({ error: { code: 'NOT_FOUND', message: 'gone', requestId: 'r2' }, meta: {} }, 404));
    const unhandled: unknown[] = [];
    const note = (reason: unknown): void => {
      unhandled.push(reason);
    };
    const listeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', note);
    try {
      const view = await resolve(s.id);
      assert.strictEqual(view.state, 'ended');
      // Once the controller has refused the identity, give the client time to get the answer and reject; Node reports
      // an unhandled rejection right after the turn it happened in.
      await identityAnswered;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.removeListener('unhandledRejection', note);
      for (const l of listeners) {
        process.on('unhandledRejection', l);
      }
    }
    assert.deepStrictEqual(unhandled.map(String), [], 'the identity read that nobody awaited');
  });

  describe('failures name what was being read', () => {
    const cases: [string, (s: Session, transit: Router) => string][] = [
      ['read the session', (s) => `/sessions/${s.id}`],
      ['read the identity', (s) => `/identities/${s.identityId}`],
      ['read the route path', (s) => `/sessions/${s.id}/route-path`],
      ['read an edge router', (s) => `/edge-routers/${s.routePath[0]}`],
      ['read a router', (_s, transit) => `/routers/${transit.id}`],
    ];
    for (const [operation, path] of cases) {
      it(`a failing "${operation}" shows as "${LABEL}: ${operation} failed"`, async () => {
        const transit = fabricOnly();
        const [ingress, egress] = onlineEdge();
        const s = dialThrough([ingress.id, transit.id, egress.id]);
        net().answer(route('GET', `${BASE_PATH}${path(s, transit)}`), serverError());
        await assert.rejects(resolve(s.id), (e: unknown) => {
          assert.ok(e instanceof ApiError, String(e));
          assert.strictEqual(e.status, 500);
          assert.strictEqual(e.message, `${LABEL}: ${operation} failed: ${e.summary}`);
          return true;
        });
      });
    }
  });
});
