import * as assert from 'assert';
import { collect, linkPages, offsetPages, PagingLoopError } from '../../../src/http/paging';

describe('http/paging', () => {
  describe('offsetPages (OpenZiti)', () => {
    const all = Array.from({ length: 7 }, (_, i) => `s${i}`);
    const fetcher = (calls: [number, number][]) => async (offset: number, limit: number) => {
      calls.push([offset, limit]);
      return { items: all.slice(offset, offset + limit), totalCount: all.length };
    };

    it('pages until offset + items reaches totalCount', async () => {
      const calls: [number, number][] = [];
      const pages = [];
      for await (const p of offsetPages(fetcher(calls), { pageSize: 3 })) {
        pages.push(p);
      }
      assert.deepStrictEqual(calls, [[0, 3], [3, 3], [6, 3]]);
      assert.deepStrictEqual(pages.map((p) => p.items), [['s0', 's1', 's2'], ['s3', 's4', 's5'], ['s6']]);
      assert.deepStrictEqual(pages.map((p) => p.offset), [0, 3, 6]);
      assert.strictEqual(pages[0].total, 7);
    });

    it('starts at `start` and stops on an empty page even if totalCount says more', async () => {
      const calls: [number, number][] = [];
      const items = await collect(
        offsetPages(async (offset, limit) => {
          calls.push([offset, limit]);
          return { items: offset < 4 ? ['a', 'b'] : [], totalCount: 100 };
        }, { pageSize: 2, start: 2 }),
      );
      assert.deepStrictEqual(items, ['a', 'b']);
      assert.deepStrictEqual(calls, [[2, 2], [4, 2]]);
    });

    it('collect(max) stops fetching once enough items were read', async () => {
      const calls: [number, number][] = [];
      const items = await collect(offsetPages(fetcher(calls), { pageSize: 3 }), 4);
      assert.deepStrictEqual(items, ['s0', 's1', 's2', 's3']);
      assert.strictEqual(calls.length, 2);
    });
  });

  describe('linkPages (PingOne, Aptible)', () => {
    it('follows next links verbatim until absent', async () => {
      const urls: string[] = [];
      const pages: Record<string, { items: number[]; next?: string }> = {
        'https://api.pingone.eu/v1/environments?limit=2': { items: [1, 2], next: 'https://api.pingone.eu/v1/environments?limit=2&cursor=eyJ4Ijo' },
        'https://api.pingone.eu/v1/environments?limit=2&cursor=eyJ4Ijo': { items: [3, 4], next: 'https://api.pingone.eu/v1/environments?limit=2&cursor=zzz' },
        'https://api.pingone.eu/v1/environments?limit=2&cursor=zzz': { items: [5] },
      };
      const items = await collect(
        linkPages(async (url) => {
          urls.push(url);
          return pages[url];
        }, 'https://api.pingone.eu/v1/environments?limit=2'),
      );
      assert.deepStrictEqual(items, [1, 2, 3, 4, 5]);
      assert.deepStrictEqual(urls, Object.keys(pages));
    });

    it('stops with PagingLoopError when a next link repeats, after yielding the pages read', async () => {
      const yielded: number[][] = [];
      let calls = 0;
      const iter = linkPages(async (url) => {
        calls++;
        return url === '/a' ? { items: [1], next: '/b' } : { items: [2], next: '/a' };
      }, '/a');
      await assert.rejects(
        (async () => {
          for await (const p of iter) {
            yielded.push(p.items);
          }
        })(),
        (e: unknown) => e instanceof PagingLoopError && /repeats a page/.test(e.message),
      );
      assert.deepStrictEqual(yielded, [[1], [2]]);
      assert.strictEqual(calls, 2);
    });

    it('treats a self-referencing next link as a loop too', async () => {
      await assert.rejects(collect(linkPages(async () => ({ items: [1], next: '/same' }), '/same')), PagingLoopError);
    });

    it('an empty next ends paging', async () => {
      assert.deepStrictEqual(await collect(linkPages(async () => ({ items: ['x'], next: '' }), '/p')), ['x']);
    });
  });
});
