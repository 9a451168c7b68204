// The load-more machinery every paged tree parent shares (the OpenZiti session lists, the Enrollments roots): the
// items read so far by one Pager, the refusal of a later page shown after them (never instead of them), a note when
// the server misbehaved and paging stopped, and "Load more…" while more may come.
import * as vscode from 'vscode';
import { ApiError } from '../http/errors';
import { Pager, type PageFetcher, type PagerOptions, stopNote } from '../http/paging';
import { LoadMoreNode, MessageNode, type TreeNode } from './nodes';

/** Whether `e` means "cancelled" (a superseded view load, or the person pressed Cancel). */
export function isCancellation(e: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (e instanceof ApiError && e.kind === 'cancelled') || (e instanceof Error && e.name === 'AbortError');
}

export class PagedList<T> {
  private pager: Pager<T>;
  /** Why the last load stopped early (the items read before it are kept), or undefined. */
  error: unknown;
  /** The last reload failed before reading anything: the items are those of the read before it. */
  stale = false;

  constructor(
    private readonly fetch: PageFetcher<T>,
    private readonly options: PagerOptions<T>,
    /** A reload that reads nothing keeps the earlier items, marked stale (the Sessions view), instead of emptying the list. */
    private readonly keepOnFailedReload = false,
  ) {
    this.pager = new Pager(fetch, options);
  }

  get items(): readonly T[] {
    return this.pager.items;
  }

  /** The server's total (never below what is held), once a page said it. */
  get total(): number | undefined {
    return this.pager.total;
  }

  get hasMore(): boolean {
    return this.pager.hasMore;
  }

  /** Page requests sent since the last reload. */
  get requests(): number {
    return this.pager.requests;
  }

  /**
   * Reads from the start again, `depth` items deep, into a new pager that replaces the current one only once it is
   * read (concurrent reloads never show each other's half-read lists). A cancellation rejects and changes nothing;
   * any other failure is kept in `error`, after the items read before it (or, with `keepOnFailedReload` and nothing
   * read, after the items held before, marked `stale`).
   */
  async reload(depth: number, signal?: AbortSignal): Promise<void> {
    const pager = new Pager(this.fetch, this.options);
    let error: unknown;
    try {
      await pager.load(depth, signal);
    } catch (e) {
      if (isCancellation(e, signal)) {
        throw e;
      }
      error = e;
    }
    if (this.keepOnFailedReload && error !== undefined && pager.items.length === 0 && this.pager.items.length > 0) {
      // A refresh that failed outright (429 after retries, 500, a reset, malformed JSON) keeps what was shown, marked
      // stale, with the failure after it: a transient failure never blanks a list.
      this.error = error;
      this.stale = true;
      return;
    }
    this.pager = pager;
    this.error = error;
    this.stale = false;
  }

  /** Load more / Load all: a failure is kept in `error`; a cancellation keeps what was read and returns false. */
  async extend(all: boolean, signal?: AbortSignal): Promise<boolean> {
    this.error = undefined;
    try {
      await (all ? this.pager.loadAll(signal) : this.pager.loadMore(signal));
      return true;
    } catch (e) {
      if (!isCancellation(e, signal)) {
        this.error = e;
      }
      return false;
    }
  }

  /**
   * The nodes after the items: the refusal of the page that failed (with Retry), or a note when the server sent
   * nothing new or looped, then "Load more…" while more may come.
   */
  tail(parent: TreeNode, errorNode: (e: unknown) => TreeNode): TreeNode[] {
    const out: TreeNode[] = [];
    if (this.error !== undefined) {
      out.push(errorNode(this.error));
      return out;
    }
    const note = stopNote(this.pager.stopped, this.items.length);
    if (note) {
      out.push(
        new MessageNode(`${parent.id}/stopped`, note, { icon: 'warning', parent, tooltip: vscode.l10n.t("{0}. The server's paging is inconsistent; Refresh to read the list again.", note) }),
      );
    } else if (this.pager.hasMore && this.items.length > 0) {
      out.push(new LoadMoreNode(`${parent.id}/more`, parent, this.items.length, this.total));
    }
    return out;
  }
}
