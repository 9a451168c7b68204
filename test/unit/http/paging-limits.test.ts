// The limits of the paging helpers: argument checks, the page cap, blank links, collect's max, cancellation.
import * as assert from 'assert';
import { collect, linkPages, offsetPages, PagingLoopError } from '../../../src/http/paging';

const isCancel = (e: Error & { code?: string }): boolean => e.name === 'AbortError' && e.code === 'ERR_CANCELED' && e.message === 'The operation was cancelled';

describe('http/paging: limits', () => {
  it('offsetPages refuses a page size that is not positive, before any request', async () => {
    for (const pageSize of [0, -1, Number.NaN]) {
      let calls = 0;
      await assert.rejects(
        collect(
          offsetPages(async () => {
            calls++;
            return { items: [1], totalCount: 1 };
          }, { pageSize }),
        ),
        (e: Error) => e instanceof RangeError && e.message === 'pageSize must be positive',
      );
      assert.strictEqual(calls, 0);
    }
  });

  it('offsetPages reads at most maxPages pages, exactly', async () => {
    const offsets: number[] = [];
    const items = await collect(
      offsetPages(async (offset, limit) => {
        offsets.push(offset);
        return { items: Array.from({ length: limit }, (_, i) => offset + i), totalCount: 1000 };
      }, { pageSize: 10, maxPages: 3, start: -5 }),
    );
    assert.deepStrictEqual(offsets, [0, 10, 20], 'a negative start counts as 0');
    assert.strictEqual(items.length, 30);
  });

  it('linkPages reads at most maxPages pages, exactly, and treats a blank next link as the end', async () => {
    const urls: string[] = [];
    await collect(
      linkPages(async (url) => {
        urls.push(url);
        return { items: [url], next: `${url}+` };
      }, 'u', { maxPages: 3 }),
    );
    assert.deepStrictEqual(urls, ['u', 'u+', 'u++']);
    const pages: { next?: string }[] = [];
    for await (const p of linkPages(async () => ({ items: [1], next: '   ' }), 'first')) {
      pages.push(p);
    }
    assert.deepStrictEqual(pages.map((p) => p.next), [undefined]);
  });

  it('a loop error says how many pages were read', () => {
    const e = new PagingLoopError(4);
    assert.strictEqual(e.name, 'PagingLoopError');
    assert.match(e.message, /after 4 page\(s\)/);
  });

  it('collect: max 0 reads nothing; max stops at exactly max items, reading no further page', async () => {
    let fetched = 0;
    const pages = async function* (): AsyncGenerator<number[]> {
      for (let i = 0; i < 5; i++) {
        fetched++;
        yield [i * 2, i * 2 + 1];
      }
    };
    assert.deepStrictEqual(await collect(pages(), 0), []);
    assert.strictEqual(fetched, 0);
    assert.deepStrictEqual(await collect(pages(), 4), [0, 1, 2, 3]);
    assert.strictEqual(fetched, 2, 'stopped as soon as it had 4');
    fetched = 0;
    assert.deepStrictEqual(await collect(pages(), 3), [0, 1, 2]);
    assert.deepStrictEqual((await collect(pages())).length, 10);
  });

  it('an aborted signal stops both pagers before their next request, with a cancellation error', async () => {
    const c = new AbortController();
    let calls = 0;
    const offsets = offsetPages(
      async () => {
        calls++;
        c.abort();
        return { items: [1], totalCount: 10 };
      },
      { pageSize: 1, signal: c.signal },
    );
    await assert.rejects(collect(offsets), isCancel);
    assert.strictEqual(calls, 1);
    await assert.rejects(collect(linkPages(async () => ({ items: [1], next: 'n' }), 'f', { signal: AbortSignal.abort() })), isCancel);
  });
});
