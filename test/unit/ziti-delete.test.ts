// DELETE of OpenZiti sessions, API sessions and enrollments: a 404 means someone else ended it ("already gone"), which
// a bulk revoke counts as done; every other failure is the caller's to report. Plain doubles, no vendor spec needed
// (the request shapes are also held to the vendor spec in backends/ziti-contract.test.ts).
import * as assert from 'assert';
import { deleteApiSession, deleteSession, type ZitiApi } from '../../src/backends/ziti/api';
import { deleteEnrollment } from '../../src/backends/ziti/enrollments/requests';
import { ApiError } from '../../src/http/errors';

type Req = Parameters<ZitiApi['api']>[0];

/** A controller double that answers every request with `answer` and records what it was asked. */
function controller(answer: () => Promise<unknown>): ZitiApi & { seen: Req[] } {
  const seen: Req[] = [];
  return {
    seen,
    api<T>(req: Req): Promise<T> {
      seen.push(req);
      return answer() as Promise<T>;
    },
  };
}

function apiError(status: number | undefined, kind: ApiError['kind'] = 'http'): ApiError {
  return new ApiError({ kind, status, connectionLabel: 'lab', operation: 'DELETE', summary: `status ${status}` });
}

const DELETES: [string, (c: ZitiApi, id: string) => Promise<'deleted' | 'already-gone'>, string][] = [
  ['a session', deleteSession, '/sessions/'],
  ['an API session', deleteApiSession, '/api-sessions/'],
  ['an enrollment', deleteEnrollment, '/enrollments/'],
];

describe('ziti: DELETE outcomes (404 = already gone)', () => {
  for (const [what, del, prefix] of DELETES) {
    it(`deleting ${what}: 200 → deleted, with DELETE on its encoded path and an empty body allowed`, async () => {
      const c = controller(async () => ({ data: {}, meta: {} }));
      assert.strictEqual(await del(c, 'a/b c'), 'deleted');
      assert.strictEqual(c.seen.length, 1);
      assert.strictEqual(c.seen[0].method, 'DELETE');
      assert.strictEqual(c.seen[0].path, `${prefix}a%2Fb%20c`);
      assert.strictEqual(c.seen[0].allowEmpty, true);
    });

    it(`deleting ${what}: 404 → already gone, not an error`, async () => {
      assert.strictEqual(await del(controller(() => Promise.reject(apiError(404))), 'x'), 'already-gone');
    });

    it(`deleting ${what}: any other failure is thrown as it came (401, 403, 409, 500, 503, network)`, async () => {
      for (const e of [apiError(401, 'auth'), apiError(403), apiError(409), apiError(500), apiError(503), apiError(undefined, 'network'), new Error('boom')]) {
        await assert.rejects(del(controller(() => Promise.reject(e)), 'x'), (got) => got === e, `${e.message} must not count as gone`);
      }
    });
  }
});
