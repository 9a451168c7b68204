// A DELETE retried after a dropped connection or a gateway error may have done its work on the first attempt: a 404 on
// the retry then means "deleted", not "already gone" (issue 8, item 13).
import * as assert from 'assert';
import { deleteApiSession, deleteSession, type ZitiApi } from '../../../src/backends/ziti/api';
import { deleteEnrollment } from '../../../src/backends/ziti/enrollments/requests';
import { HttpClient } from '../../../src/http';
import { type Handler, json, recordingSleep, startHttp, type TestServer } from '../http/helpers';

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
