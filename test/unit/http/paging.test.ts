import * as assert from 'assert';
import { IncompleteListError, Pager, PagingLoopError, readAll, type FetchedPage, type PageRequest } from '../../../src/http/paging';

/** An offset server over `all`; `ignoreOffset` answers every request from offset 0, `total` overrides totalCount. */
function offsetServer(all: string[], o: { ignoreOffset?: boolean; total?: number } = {}) {
  const calls: PageRequest[] = [];
  const fetch = async (req: PageRequest): Promise<FetchedPage<string>> => {
    calls.push(req);
    const from = o.ignoreOffset ? 0 : req.offset;
    return { items: all.slice(from, from + req.limit), total: o.total ?? all.length };
  };
  return { calls, fetch };
}

const ids = (n: number, prefix = 's'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const idOf = (s: string): string => s;

describe('http/paging', () => {
  describe('Pager, offset paging (OpenZiti)', () => {
    it('pages until offset + items reaches totalCount', async () => {
      const srv = offsetServer(ids(7));
      const pager = new Pager(srv.fetch, { idOf, pageSize: 3 });
      await pager.loadAll();
      assert.deepStrictEqual(srv.calls.map((c) => [c.offset, c.limit]), [[0, 3], [3, 3], [6, 3]]);
      assert.deepStrictEqual(pager.items, ids(7));
      assert.strictEqual(pager.total, 7);
      assert.strictEqual(pager.stopped, 'end');
    });

    it('load(want) reads only as deep as asked, loadMore adds one page, loadAll asks maxPageSize per page', async () => {
      const srv = offsetServer(ids(1000));
      const pager = new Pager(srv.fetch, { idOf, pageSize: 100, maxPageSize: 500 });
      await pager.load(100);
      assert.strictEqual(pager.items.length, 100);
      await pager.loadMore();
      assert.strictEqual(pager.items.length, 200);
      assert.ok(pager.hasMore);
      await pager.loadAll();
      assert.deepStrictEqual(srv.calls.map((c) => c.limit), [100, 100, 500, 500]);
      assert.strictEqual(pager.items.length, 1000);
      assert.strictEqual(pager.hasMore, false);
    });

    it('a server that ignores offset: Load all stops after the first page that adds nothing new', async () => {
      const srv = offsetServer(ids(1000), { ignoreOffset: true });
      const pager = new Pager(srv.fetch, { idOf, pageSize: 100, maxPageSize: 500 });
      await pager.loadAll();
      assert.strictEqual(srv.calls.length, 2, 'one page, then one page with nothing new');
      assert.deepStrictEqual(pager.items, ids(500));
      assert.strictEqual(pager.stopped, 'no-progress');
    });

    it('an over-reported totalCount: stops on the empty page (and on a repeated last page)', async () => {
      const empty = offsetServer(ids(7), { total: 1_000_000 });
      const a = new Pager(empty.fetch, { idOf, pageSize: 5 });
      await a.loadAll();
      assert.deepStrictEqual(a.items, ids(7));
      assert.strictEqual(empty.calls.length, 3, 'two pages, then the empty one');
      assert.strictEqual(a.stopped, 'end');
      // A server that answers an offset past the end with its last page again.
      const calls: number[] = [];
      const b = new Pager<string>(
        async ({ offset }) => {
          calls.push(offset);
          return { items: offset < 5 ? ids(5).slice(offset) : ['s3', 's4'], total: 9_999 };
        },
        { idOf, pageSize: 5 },
      );
      await b.loadAll();
      assert.deepStrictEqual(b.items, ids(5));
      assert.strictEqual(calls.length, 2);
      assert.strictEqual(b.stopped, 'no-progress');
    });

    it('drops items already read (a list shifting under the pager) and never holds an id twice', async () => {
      const pages = [['a', 'b'], ['b', 'c'], []];
      let i = 0;
      const pager = new Pager<string>(async () => ({ items: pages[i++] ?? [], total: 10 }), { idOf, pageSize: 2 });
      await pager.loadAll();
      assert.deepStrictEqual(pager.items, ['a', 'b', 'c']);
    });

    it('cancellation: rejects before the next request and keeps what was read', async () => {
      const controller = new AbortController();
      let calls = 0;
      const pager = new Pager<string>(
        async ({ offset }) => {
          calls++;
          if (calls === 2) {
            controller.abort();
          }
          return { items: [`x${offset}`], total: 1_000_000 };
        },
        { idOf, pageSize: 1 },
      );
      await assert.rejects(pager.loadAll(controller.signal), (e: Error) => e.name === 'AbortError');
      assert.strictEqual(calls, 2);
      assert.deepStrictEqual(pager.items, ['x0'], 'the page answered after the abort is not taken');
      assert.strictEqual(pager.hasMore, true, 'a cancelled load can be resumed');
    });

    it('a failing page rejects, keeps the items, and the next load asks for that page again', async () => {
      let fail = true;
      const calls: number[] = [];
      const pager = new Pager<string>(
        async ({ offset }) => {
          calls.push(offset);
          if (offset === 2 && fail) {
            fail = false;
            throw new Error('boom');
          }
          return { items: ids(4).slice(offset, offset + 2), total: 4 };
        },
        { idOf, pageSize: 2 },
      );
      await assert.rejects(pager.loadAll(), /boom/);
      assert.deepStrictEqual(pager.items, ['s0', 's1']);
      await pager.loadAll();
      assert.deepStrictEqual(pager.items, ids(4));
      assert.deepStrictEqual(calls, [0, 2, 2]);
    });

    it('stops at the page cap', async () => {
      let n = 0;
      const pager = new Pager<string>(async () => ({ items: [`i${n++}`] }), { idOf, pageSize: 1, maxPages: 25 });
      await pager.loadAll();
      assert.strictEqual(pager.items.length, 25);
      assert.strictEqual(pager.stopped, 'page-cap');
    });
  });

  describe('Pager, cursor paging (PingOne, Aptible)', () => {
    const first = 'https://api.pingone.eu/v1/environments?limit=2';
    it('follows next links verbatim until absent', async () => {
      const urls: string[] = [];
      const pages: Record<string, { items: number[]; next?: string }> = {
        [first]: { items: [1, 2], next: `${first}&cursor=eyJ4Ijo` },
        [`${first}&cursor=eyJ4Ijo`]: { items: [3, 4], next: `${first}&cursor=zzz` },
        [`${first}&cursor=zzz`]: { items: [5] },
      };
      const pager = new Pager<number>(
        async ({ cursor }) => {
          urls.push(cursor as string);
          return pages[cursor as string];
        },
        { idOf: String, firstCursor: first },
      );
      assert.deepStrictEqual(await readAll(pager), [1, 2, 3, 4, 5]);
      assert.deepStrictEqual(urls, Object.keys(pages));
    });

    it('a repeated cursor stops paging: readAll keeps the items read and says why (PagingLoopError)', async () => {
      let calls = 0;
      const pager = new Pager<number>(
        async ({ cursor }) => {
          calls++;
          return cursor === '/a' ? { items: [1], next: '/b' } : { items: [2], next: '/a' };
        },
        { idOf: String, firstCursor: '/a' },
      );
      await assert.rejects(readAll(pager), (e: unknown) => e instanceof IncompleteListError && e.cause instanceof PagingLoopError && /repeats a page/.test(e.message) && e.items.join() === '1,2');
      assert.strictEqual(calls, 2);
      assert.strictEqual(pager.stopped, 'repeated-cursor');
    });

    it('a self-referencing next link is a loop too', async () => {
      const pager = new Pager<number>(async () => ({ items: [1], next: '/same' }), { idOf: String, firstCursor: '/same' });
      await assert.rejects(readAll(pager), (e: unknown) => e instanceof IncompleteListError && e.cause instanceof PagingLoopError);
    });

    it('a fresh cursor on every page that brings nothing new stops (no endless walk of new URLs)', async () => {
      let n = 0;
      const pager = new Pager<number>(async () => ({ items: [1, 2], next: `/p?c=${n++}` }), { idOf: String, firstCursor: '/p' });
      assert.deepStrictEqual(await readAll(pager), [1, 2]);
      assert.strictEqual(n, 2);
      assert.strictEqual(pager.stopped, 'no-progress');
    });

    it('an empty next ends paging', async () => {
      const pager = new Pager<string>(async () => ({ items: ['x'], next: '' }), { idOf, firstCursor: '/p' });
      assert.deepStrictEqual(await readAll(pager), ['x']);
    });

    it('a later page that fails (e.g. a next link refused for another origin): readAll keeps what was read', async () => {
      const refusal = new Error('refused to follow a link to another origin (https://evil.example)');
      const pager = new Pager<number>(
        async ({ cursor }) => {
          if (cursor === '/p1') {
            return { items: [1, 2], next: 'https://evil.example/p2' };
          }
          throw refusal;
        },
        { idOf: String, firstCursor: '/p1' },
      );
      await assert.rejects(readAll(pager), (e: unknown) => e instanceof IncompleteListError && e.cause === refusal && e.items.join() === '1,2' && /another origin/.test(e.message));
    });

    it('a first page that fails rejects with its own error (nothing was read)', async () => {
      const pager = new Pager<number>(async () => Promise.reject(new Error('down')), { idOf: String, firstCursor: '/p1' });
      await assert.rejects(readAll(pager), (e: unknown) => !(e instanceof IncompleteListError) && /down/.test((e as Error).message));
    });
  });
});
