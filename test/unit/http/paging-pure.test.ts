// The Pager's edge cases one by one, with exact values: item filtering, totals a server gets wrong, blank cursors,
// cancellation during a request, and the notes and errors it hands to the views.
import * as assert from 'assert';
import { cancelledError, IncompleteListError, Pager, PagingLoopError, stopNote, type FetchedPage, type PageRequest } from '../../../src/http/paging';

type Item = { id: string } | null | undefined;

/** A fetcher that answers the pages in `pages` in order (the last one again when asked more). */
function scripted<T>(pages: FetchedPage<T>[]): { calls: PageRequest[]; fetch: (r: PageRequest) => Promise<FetchedPage<T>> } {
  const calls: PageRequest[] = [];
  return {
    calls,
    fetch: async (r) => {
      calls.push(r);
      return pages[Math.min(calls.length - 1, pages.length - 1)];
    },
  };
}

describe('http/paging, edge cases', () => {
  it('stopNote: the words for each way paging stops, numbers grouped; none for a normal end', () => {
    assert.strictEqual(stopNote('no-progress', 1234), 'The server sent no new items after 1,234; stopped paging');
    assert.strictEqual(stopNote('repeated-cursor', 12_345), 'The server\'s "next" link repeats a page already read; stopped paging after 12,345');
    assert.strictEqual(stopNote('page-cap', 1_000_000), 'Stopped paging after 1,000,000 items (page limit reached)');
    assert.strictEqual(stopNote('end', 5), undefined);
    assert.strictEqual(stopNote(undefined, 5), undefined);
  });

  it('its errors carry their names, what was read, and a cancellation looks like any other', () => {
    const loop = new PagingLoopError(3);
    assert.strictEqual(loop.name, 'PagingLoopError');
    assert.strictEqual(loop.message, 'the server\'s "next" link repeats a page already read (after 3 page(s)); stopped paging');
    const partial = new IncompleteListError([1, 2], new Error('page 3 failed'));
    assert.strictEqual(partial.name, 'IncompleteListError');
    assert.strictEqual(partial.message, 'page 3 failed');
    assert.strictEqual(new IncompleteListError([], 'plain text').message, 'plain text');
    const mapped = partial.map((n) => `#${n}`);
    assert.deepStrictEqual([mapped.items, mapped.cause], [['#1', '#2'], partial.cause]);
    const c = cancelledError() as Error & { code?: string };
    assert.deepStrictEqual([c.name, c.message, c.code], ['AbortError', 'The operation was cancelled', 'ERR_CANCELED']);
  });

  it('null and undefined items are skipped without asking for their id; items without an id too', async () => {
    const asked: Item[] = [];
    const srv = scripted<Item>([{ items: [null, { id: 'a' }, undefined, { id: '' }, { id: 'b' }], total: 5 }]);
    const pager = new Pager<Item>(srv.fetch, {
      idOf: (x) => {
        asked.push(x);
        return (x as { id: string }).id || undefined;
      },
      pageSize: 5,
    });
    await pager.load(5);
    assert.deepStrictEqual(pager.items, [{ id: 'a' }, { id: 'b' }]);
    assert.deepStrictEqual(asked, [{ id: 'a' }, { id: '' }, { id: 'b' }]);
    // Five items read of five: the offset counts what the server sent, so paging ends.
    assert.strictEqual(pager.stopped, 'end');
  });

  it('a total that is not a finite number is ignored; a total below what is held is raised to it', async () => {
    const srv = scripted<string>([
      { items: ['a'], total: 10 },
      { items: ['c'], total: Number.NaN },
      { items: ['d'], total: Number.POSITIVE_INFINITY },
      { items: ['e'], total: '7' as unknown as number },
      { items: ['f', 'g'], total: 2 },
      { items: [] },
    ]);
    const pager = new Pager(srv.fetch, { idOf: (s) => s, pageSize: 1 });
    await pager.loadMore();
    assert.strictEqual(pager.total, 10);
    await pager.loadMore();
    assert.strictEqual(pager.total, 10, 'NaN ignored');
    await pager.loadMore();
    assert.strictEqual(pager.total, 10, 'Infinity ignored');
    await pager.loadMore();
    assert.strictEqual(pager.total, 10, 'a string ignored');
    await pager.loadMore();
    assert.deepStrictEqual([pager.items.length, pager.total], [6, 6], 'a total of 2 with 6 held is 6');
    assert.strictEqual(pager.stopped, 'end', 'the offset reached the (raised) total');
  });

  it('offset paging without a total ends on the first empty page (not "no progress")', async () => {
    const srv = scripted<string>([{ items: ['a', 'b'] }, { items: [] }]);
    const pager = new Pager(srv.fetch, { idOf: (s) => s, pageSize: 2 });
    await pager.loadAll();
    assert.deepStrictEqual([pager.items, pager.stopped, pager.total, srv.calls.length], [['a', 'b'], 'end', undefined, 2]);
    assert.strictEqual(stopNote(pager.stopped, pager.items.length), undefined);
  });

  it('a blank next link ends cursor paging', async () => {
    const srv = scripted<string>([{ items: ['a'], next: '  ' }]);
    const pager = new Pager(srv.fetch, { idOf: (s) => s, firstCursor: 'https://h/p1' });
    await pager.loadAll();
    assert.deepStrictEqual([pager.items, pager.stopped, srv.calls.length], [['a'], 'end', 1]);
  });

  it('a cancellation during a request rejects and adds nothing from that answer', async () => {
    const ac = new AbortController();
    const pager = new Pager<string>(
      async () => {
        ac.abort();
        return { items: ['late'], total: 1 };
      },
      { idOf: (s) => s },
    );
    await assert.rejects(pager.loadAll(ac.signal), { name: 'AbortError' });
    assert.deepStrictEqual([pager.items, pager.stopped, pager.requests], [[], undefined, 1]);
  });
});
