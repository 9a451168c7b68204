// The requests the typed OpenZiti calls make (path, operation named in errors, query) and how they read odd
// answers, through a recording stand-in for ZitiClient.api (the ZitiApi seam).
import * as assert from 'assert';
import type { HttpRequest } from '../../../src/http/client';
import { currentApiSessionId, deleteApiSession, getApiSession, getRoutePath, getSession, IdentityCache, listApiSessions, listIdentitiesByIds, listSessions, type ZitiApi } from '../../../src/backends/ziti/api';

type Req = Omit<HttpRequest, 'url'> & { path: string };

function standIn(answer: (req: Req) => unknown): { api: ZitiApi; sent: Req[] } {
  const sent: Req[] = [];
  return {
    sent,
    api: {
      api: async <T>(req: Req): Promise<T> => {
        sent.push(req);
        return answer(req) as T;
      },
    },
  };
}

describe('OpenZiti API calls: requests and odd answers', () => {
  it('each call names its operation (shown in its error message)', async () => {
    const s = standIn(() => ({ data: [] }));
    await listSessions(s.api, { offset: 0, limit: 10 });
    await listApiSessions(s.api, { offset: 0, limit: 10 });
    await getSession(s.api, 's1');
    await getApiSession(s.api, 'a1');
    await getRoutePath(s.api, 's1');
    await deleteApiSession(s.api, 'a1');
    assert.deepStrictEqual(
      s.sent.map((r) => `${r.method} ${r.path} · ${r.operation}`),
      ['GET /sessions · list sessions', 'GET /api-sessions · list API sessions', 'GET /sessions/s1 · read the session', 'GET /api-sessions/a1 · read the API session', 'GET /sessions/s1/route-path · read the route path', 'DELETE /api-sessions/a1 · end the API session'],
    );
  });

  it('a blank filter is not sent; a real one is sent as given', async () => {
    const s = standIn(() => ({ data: [] }));
    await listSessions(s.api, { offset: 0, limit: 10, filter: '   ' });
    await listSessions(s.api, { offset: 0, limit: 10, filter: '' });
    await listSessions(s.api, { offset: 0, limit: 10, filter: ' name = "x" ' });
    assert.deepStrictEqual(
      s.sent.map((r) => (r.params as { filter?: string }).filter),
      [undefined, undefined, ' name = "x" '],
    );
  });

  it('without pagination meta the total counts the items after the offset', async () => {
    const s = standIn(() => ({ data: [{ id: 'a' }, { id: 'b' }] }));
    const page = await listSessions(s.api, { offset: 20, limit: 10 });
    assert.strictEqual(page.totalCount, 22);
  });

  it('a route path keeps only its strings, and a missing one is empty', async () => {
    assert.deepStrictEqual(await getRoutePath(standIn(() => ({ data: { routePath: ['r1', 3, null, 'r2'] } })).api, 's'), ['r1', 'r2']);
    assert.deepStrictEqual(await getRoutePath(standIn(() => undefined).api, 's'), []);
    assert.deepStrictEqual(await getRoutePath(standIn(() => ({})).api, 's'), []);
  });

  it('the current API session id is undefined for an empty answer', async () => {
    assert.strictEqual(await currentApiSessionId(standIn(() => undefined).api), undefined);
    assert.strictEqual(await currentApiSessionId(standIn(() => ({})).api), undefined);
    assert.strictEqual(await currentApiSessionId(standIn(() => ({ data: { id: 'x1' } })).api), 'x1');
  });

  it('no ids: no request', async () => {
    const s = standIn(() => ({ data: [] }));
    assert.deepStrictEqual(await listIdentitiesByIds(s.api, []), []);
    assert.strictEqual(s.sent.length, 0);
  });

  it('the identity cache skips entries without a string id and names a nameless identity by its id', async () => {
    const s = standIn(() => ({ data: [null, { id: 5, name: 'bad' }, { id: 'i1', name: 'Alice' }, { id: 'i2' }] }));
    const cache = new IdentityCache(2);
    const names = await cache.resolve(s.api, ['i1', 'i2']);
    assert.deepStrictEqual([...names], [['i1', 'Alice'], ['i2', 'i2']]);
    assert.strictEqual(cache.size, 2);
    assert.strictEqual(s.sent.length, 1, 'two ids, batch size two: one request');
  });
});
