// The one paging implementation of the extension: offset/limit with totalCount (OpenZiti) and `_links.next` cursors
// (PingOne, Aptible). A Pager reads one page at a time into what it holds, so a view can show the first page and a
// "Load more…" node, and keeps what it read when a later page fails. It stops on its own when a server misbehaves:
// a page that adds no new item (a server ignoring `offset`, or over-reporting its total), a `next` link that repeats
// one already followed, a hard page cap, and cancellation. No `vscode`.

/** What one page request asks for: an offset and limit (offset paging) or the cursor URL to follow. */
export interface PageRequest {
  offset: number;
  limit: number;
  /** Cursor paging: the URL of this page (the first URL, then each page's `next`). */
  cursor?: string;
}

/** One page as a server answered it. */
export interface FetchedPage<T> {
  items: T[];
  /** The server's total, when it says. */
  total?: number;
  /** Cursor paging: the next page's URL (absent or empty on the last page). */
  next?: string;
}

export type PageFetcher<T> = (request: PageRequest, signal?: AbortSignal) => Promise<FetchedPage<T>>;

/**
 * Why a pager stopped for good:
 * - `end`: the last page (an empty page, no `next`, or the server's total reached);
 * - `no-progress`: a page added no item not already held (the server ignores `offset`, or its total is too high);
 * - `repeated-cursor`: a `next` link repeats a page already read;
 * - `page-cap`: the safety cap of pages was reached.
 */
export type PagerStop = 'end' | 'no-progress' | 'repeated-cursor' | 'page-cap';

export interface PagerOptions<T> {
  /** The identity of an item; items whose id was already read are dropped (and do not count as progress). */
  idOf: (item: T) => string | undefined;
  /** Items asked per page by `load` (default 100). */
  pageSize?: number;
  /** The most the server accepts per page; `loadAll` and deep loads ask this many (default pageSize). */
  maxPageSize?: number;
  /** Cursor paging: the first page's URL. Without it the pager pages by offset. */
  firstCursor?: string;
  /** Safety cap of page requests over the pager's life (default 10 000). */
  maxPages?: number;
}

/** Thrown when a server's `next` link points back to a page already read (it would loop forever). */
export class PagingLoopError extends Error {
  override readonly name = 'PagingLoopError';
  constructor(readonly pagesRead: number) {
    super(`the server's "next" link repeats a page already read (after ${pagesRead} page(s)); stopped paging`);
  }
}

/** A list read only in part: `items` were read before `cause` (the failure of a later page, or a paging loop). */
export class IncompleteListError<T = unknown> extends Error {
  override readonly name = 'IncompleteListError';
  constructor(
    readonly items: T[],
    readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }

  /** The same refusal over items mapped to another type (e.g. API objects to view models). */
  map<U>(fn: (item: T) => U, cause: unknown = this.cause): IncompleteListError<U> {
    return new IncompleteListError(this.items.map(fn), cause);
  }
}

export function cancelledError(): Error {
  return Object.assign(new Error('The operation was cancelled'), { name: 'AbortError', code: 'ERR_CANCELED' });
}

/** A short note for the person when paging stopped because the server misbehaved (undefined for a normal end). */
export function stopNote(stop: PagerStop | undefined, read: number): string | undefined {
  switch (stop) {
    case 'no-progress':
      return `The server sent no new items after ${read.toLocaleString('en-US')}; stopped paging`;
    case 'repeated-cursor':
      return `The server's "next" link repeats a page already read; stopped paging after ${read.toLocaleString('en-US')}`;
    case 'page-cap':
      return `Stopped paging after ${read.toLocaleString('en-US')} items (page limit reached)`;
    default:
      return undefined;
  }
}

/**
 * Reads a paged list one page at a time. `items` keeps every distinct item read (in order); `stopped` says why no
 * more pages will be read. A failing page rejects `load` with its error and leaves the pager as it was, so the next
 * `load` asks for that page again.
 */
export class Pager<T> {
  readonly items: T[] = [];
  /** The server's last-reported total (never below the items held). */
  total: number | undefined;
  stopped: PagerStop | undefined;
  /** Page requests sent. */
  requests = 0;
  private readonly ids = new Set<string>();
  private readonly cursors = new Set<string>();
  private offset = 0;
  private cursor: string | undefined;
  private readonly pageSize: number;
  private readonly maxPageSize: number;
  private readonly maxPages: number;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly options: PagerOptions<T>,
  ) {
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? 100));
    this.maxPageSize = Math.max(this.pageSize, Math.floor(options.maxPageSize ?? this.pageSize));
    this.maxPages = options.maxPages ?? 10_000;
    this.cursor = options.firstCursor;
  }

  get hasMore(): boolean {
    return this.stopped === undefined;
  }

  /** Reads pages until at least `want` items are held or paging stops. Rejects on cancellation or a failed page. */
  async load(want: number, signal?: AbortSignal): Promise<void> {
    while (this.stopped === undefined && this.items.length < want) {
      await this.readPage(Math.min(this.maxPageSize, Math.max(this.pageSize, want - this.items.length)), signal);
    }
  }

  /** Reads one more page of the configured size (Load more). */
  loadMore(signal?: AbortSignal): Promise<void> {
    return this.load(this.items.length + this.pageSize, signal);
  }

  /** Reads until paging stops (Load all). */
  loadAll(signal?: AbortSignal): Promise<void> {
    return this.load(Number.POSITIVE_INFINITY, signal);
  }

  private async readPage(limit: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) {
      throw cancelledError();
    }
    if (this.requests >= this.maxPages) {
      this.stopped = 'page-cap';
      return;
    }
    const byCursor = this.options.firstCursor !== undefined;
    const request: PageRequest = { offset: this.offset, limit, cursor: byCursor ? this.cursor : undefined };
    this.requests++;
    const page = await this.fetchPage(request, signal);
    if (signal?.aborted) {
      throw cancelledError();
    }
    const items = Array.isArray(page.items) ? page.items : [];
    let added = 0;
    for (const item of items) {
      const id = item === null || item === undefined ? undefined : this.options.idOf(item);
      if (id === undefined || this.ids.has(id)) {
        continue;
      }
      this.ids.add(id);
      this.items.push(item);
      // Stryker disable next-line UpdateOperator: equivalent, only \`added === 0\` is read, and counting down is as far from 0
      added++;
    }
    if (typeof page.total === 'number' && Number.isFinite(page.total)) {
      this.total = page.total;
    }
    // Stryker disable next-line EqualityOperator: equivalent, when they are equal the assignment keeps the same value
    if (this.total !== undefined && this.total < this.items.length) {
      this.total = this.items.length;
    }
    this.offset += items.length;
    if (byCursor) {
      if (this.cursor !== undefined) {
        this.cursors.add(this.cursor);
      }
      const next = typeof page.next === 'string' && page.next.trim() !== '' ? page.next : undefined;
      this.cursor = next;
      if (next === undefined) {
        this.stopped = 'end';
      } else if (this.cursors.has(next)) {
        this.stopped = 'repeated-cursor';
      } else if (added === 0) {
        this.stopped = items.length === 0 ? 'end' : 'no-progress';
      }
      return;
    }
    if (items.length === 0) {
      this.stopped = 'end';
    } else if (added === 0) {
      this.stopped = 'no-progress';
    } else if (this.total !== undefined && this.offset >= this.total) {
      this.stopped = 'end';
    }
  }
}

/**
 * Reads a whole list. When a later page fails (or a `next` link loops) after some items were read, rejects with an
 * IncompleteListError that carries them, so the caller can show what was read and then the refusal.
 */
export async function readAll<T>(pager: Pager<T>, signal?: AbortSignal): Promise<T[]> {
  try {
    await pager.loadAll(signal);
  } catch (e) {
    if (pager.items.length > 0 && !signal?.aborted) {
      throw new IncompleteListError([...pager.items], e);
    }
    throw e;
  }
  if (pager.stopped === 'repeated-cursor') {
    throw new IncompleteListError([...pager.items], new PagingLoopError(pager.requests));
  }
  return [...pager.items];
}
