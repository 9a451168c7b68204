// Paging helpers as async iterators: offset/limit with totalCount (OpenZiti) and `_links.next` cursors (PingOne,
// Aptible). Each yields one page at a time, so a view can show the first page and a "Load more…" node. No `vscode`.

export interface Page<T> {
  items: T[];
  /** The server's total, when it says. */
  total?: number;
  /** OpenZiti: the offset this page started at. */
  offset?: number;
  /** Cursor pagers: the URL this page came from, and the next one (undefined on the last page). */
  url?: string;
  next?: string;
}

export interface OffsetPagesOptions {
  pageSize: number;
  start?: number;
  /** Safety stop (default 10 000 pages). */
  maxPages?: number;
  signal?: AbortSignal;
}

/**
 * OpenZiti-style paging: asks for `limit = pageSize` at increasing offsets and stops when
 * `offset + items.length >= totalCount` or a page comes back empty.
 */
export async function* offsetPages<T>(
  fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; totalCount: number }>,
  options: OffsetPagesOptions,
): AsyncGenerator<Page<T>, void, undefined> {
  if (!(options.pageSize > 0)) {
    throw new RangeError('pageSize must be positive');
  }
  let offset = Math.max(0, options.start ?? 0);
  const maxPages = options.maxPages ?? 10_000;
  for (let n = 0; n < maxPages; n++) {
    throwIfAborted(options.signal);
    const { items, totalCount } = await fetchPage(offset, options.pageSize);
    if (items.length === 0) {
      return;
    }
    yield { items, total: totalCount, offset };
    offset += items.length;
    if (offset >= totalCount) {
      return;
    }
  }
}

export interface LinkPagesOptions {
  /** Safety stop (default 10 000 pages). */
  maxPages?: number;
  signal?: AbortSignal;
}

/** Thrown when a server's `next` link points back to a page already read (it would loop forever). */
export class PagingLoopError extends Error {
  override readonly name = 'PagingLoopError';
  constructor(readonly pagesRead: number) {
    super(`the server's "next" link repeats a page already read (after ${pagesRead} page(s)); stopped paging`);
  }
}

/**
 * HAL cursor paging (PingOne, Aptible): fetches `firstUrl`, then follows each page's `next` verbatim until it is
 * absent. A `next` that repeats any URL already read throws PagingLoopError after the pages read so far were yielded.
 * (The HttpClient refuses next links to another origin, so credentials never follow a link elsewhere.)
 */
export async function* linkPages<T>(
  fetchUrl: (url: string) => Promise<{ items: T[]; next?: string; total?: number }>,
  firstUrl: string,
  options: LinkPagesOptions = {},
): AsyncGenerator<Page<T>, void, undefined> {
  const seen = new Set<string>();
  const maxPages = options.maxPages ?? 10_000;
  let url: string | undefined = firstUrl;
  for (let n = 0; url !== undefined && n < maxPages; n++) {
    throwIfAborted(options.signal);
    seen.add(url);
    const page: { items: T[]; next?: string; total?: number } = await fetchUrl(url);
    const next = page.next && page.next.trim() !== '' ? page.next : undefined;
    yield { items: page.items, total: page.total, url, next };
    if (next !== undefined && seen.has(next)) {
      throw new PagingLoopError(seen.size);
    }
    url = next;
  }
}

/**
 * Reads pages until the iterator ends or `max` items were gathered (then the rest is not fetched, and the result is
 * cut to `max`). Accepts these pagers or any async iterable of arrays or pages.
 */
export async function collect<T>(iter: AsyncIterable<Page<T> | T[]>, max?: number): Promise<T[]> {
  const out: T[] = [];
  if (max !== undefined && max <= 0) {
    return out;
  }
  for await (const page of iter) {
    const items = Array.isArray(page) ? page : page.items;
    out.push(...items);
    if (max !== undefined && out.length >= max) {
      out.length = max;
      break;
    }
  }
  return out;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw Object.assign(new Error('The operation was cancelled'), { name: 'AbortError', code: 'ERR_CANCELED' });
  }
}
