// A DELETE retried after a dropped connection or a gateway error may have done its work on the first attempt: a 404 on
// the retry then means "deleted", not "already gone" (issue 8, item 13).
import * as assert from 'assert';
import { deleteApiSession, deleteSession, type ZitiApi } from '../../../src/backends/ziti/api';
import { ZitiClient } from '../../../src/backends/ziti/client';
import { deleteEnrollment } from '../../../src/backends/ziti/enrollments/requests';
import type { ConnectionRecord } from '../../../src/model/connection';
import { HttpClient } from '../../../src/http';
import { type Handler, json, recordingSleep, startHttp, type TestServer } from '../http/helpers';
import { doubles } from './doubles';

describe('OpenZiti DELETE outcomes after a retry', () => {
  let server: TestServer;
  let handler: Handler;
  let client: HttpClient;
  const api: ZitiApi = {
    api: async <T>(req: Parameters<ZitiApi['api']>[0]): Promise<T> => {
      const { path, ...rest } = req;
      return (await client.request<T>({ ...rest, url: `/edge/management/v1${path}` })).data;
    },
  };

  beforeEach(async () => {
    server = await startHttp((req, res, body, i) => handler(req, res, body, i));
    client = new HttpClient({ connectionId: 'z', connectionLabel: 'Lab', baseURL: server.url, sleep: recordingSleep().sleep });
  });
  afterEach(async () => {
    client.dispose();
    await server.close();
  });

  /** Deletes on the first DELETE of each path and then drops the connection (or answers `firstStatus`); 404 after. */
  function deletesThenFails(firstStatus?: number): Handler {
    const deleted = new Set<string>();
    return (req, res) => {
      if (deleted.has(req.url ?? '')) {
        json(res, 404, { error: { code: 'NOT_FOUND', message: 'The resource requested was not found or is no longer available' } });
        return;
      }
      deleted.add(req.url ?? '');
      if (firstStatus) {
        json(res, firstStatus, {});
      } else {
        req.socket.destroy();
      }
    };
  }

  const deletes: [string, (id: string) => Promise<string>][] = [
    ['deleteSession', (id) => deleteSession(api, id)],
    ['deleteApiSession', (id) => deleteApiSession(api, id)],
    ['deleteEnrollment', (id) => deleteEnrollment(api, id)],
  ];

  for (const [name, del] of deletes) {
    it(`${name}: reset after the server performed it, 404 on the retry → deleted (it was this request)`, async () => {
      handler = deletesThenFails();
      assert.strictEqual(await del('x1'), 'deleted');
      assert.deepStrictEqual(server.requests.map((r) => r.method), ['DELETE', 'DELETE']);
    });

    it(`${name}: 502 or 504 after the server performed it, 404 on the retry → deleted`, async () => {
      handler = deletesThenFails(502);
      assert.strictEqual(await del('x2'), 'deleted');
      handler = deletesThenFails(504);
      assert.strictEqual(await del('x3'), 'deleted');
    });

    it(`${name}: a 404 on the first attempt (or after a 429) → already gone`, async () => {
      handler = (_req, res) => json(res, 404, { error: { code: 'NOT_FOUND' } });
      assert.strictEqual(await del('x4'), 'already-gone');
      handler = deletesThenFails(429);
      assert.strictEqual(await del('x5'), 'already-gone');
    });
  }
});

describe('OpenZiti sign-out never signs in, and knows when it was this request that ended the session', () => {
  let server: TestServer;
  let handler: Handler;
  afterEach(() => server.close());

  async function signOutWith(h: Handler): Promise<{ message: string; paths: string[] }> {
    handler = h;
    server = await startHttp((req, res, body, i) => handler(req, res, body, i));
    const record: ConnectionRecord = {
      id: 'z',
      backend: 'ziti',
      label: 'Lab',
      endpoints: { url: `${server.url}/edge/management/v1` },
      auth: { method: 'password', username: 'admin' },
      source: 'user',
    };
    const client = new ZitiClient(record, { password: 'pw-123456', token: 'zt-stored-token' }, doubles().deps);
    try {
      const message = await client.signOut();
      return { message, paths: server.requests.map((r) => `${r.method} ${r.url}`) };
    } finally {
      client.dispose();
    }
  }

  it('the first DELETE ended it and the connection dropped; the retry gets 401 → "ended", and no sign-in', async () => {
    let n = 0;
    const r = await signOutWith((req, res) => {
      if (req.method === 'DELETE' && n++ === 0) {
        req.socket.destroy();
        return;
      }
      json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'The request could not be completed. The session is not authorized or the credentials are invalid' } });
    });
    assert.strictEqual(r.message, 'Signed out: the API session was ended on the controller.');
    assert.deepStrictEqual(r.paths, ['DELETE /edge/management/v1/current-api-session', 'DELETE /edge/management/v1/current-api-session']);
  });

  it('an expired stored token (401 at once) → "had already ended", without signing in to sign out', async () => {
    const r = await signOutWith((_req, res) => json(res, 401, { error: { code: 'UNAUTHORIZED' } }));
    assert.strictEqual(r.message, 'Signed out: the API session had already ended on the controller.');
    assert.deepStrictEqual(r.paths, ['DELETE /edge/management/v1/current-api-session']);
  });

  it('a 200 → ended', async () => {
    const r = await signOutWith((_req, res) => json(res, 200, { data: {}, meta: {} }));
    assert.strictEqual(r.message, 'Signed out: the API session was ended on the controller.');
  });
});
