import * as assert from 'assert';
import { abortableSleep, toAbortSignal, type CancellationTokenLike } from '../../../src/http/cancel';

/** A CancellationToken double: `cancel()` fires the listeners; counts subscriptions and disposals. */
function token(opts: { cancelled?: boolean; fireOnSubscribe?: boolean } = {}): CancellationTokenLike & { cancel(): void; subscribed: number; disposed: number } {
  const listeners = new Set<() => void>();
  const t = {
    isCancellationRequested: Boolean(opts.cancelled),
    subscribed: 0,
    disposed: 0,
    onCancellationRequested(listener: () => void) {
      t.subscribed++;
      listeners.add(listener);
      if (opts.fireOnSubscribe) {
        listener();
      }
      return {
        dispose: () => {
          t.disposed++;
          listeners.delete(listener);
        },
      };
    },
    cancel() {
      t.isCancellationRequested = true;
      [...listeners].forEach((l) => l());
    },
  };
  return t;
}

describe('http/cancel', () => {
  it('a token cancelled already gives an aborted signal without subscribing', () => {
    const t = token({ cancelled: true });
    assert.strictEqual(toAbortSignal(t)?.aborted, true);
    assert.strictEqual(t.subscribed, 0);
  });

  it('a later cancel aborts the signal once and releases the listener', () => {
    const t = token();
    const signal = toAbortSignal(t);
    assert.ok(signal);
    let aborts = 0;
    signal.addEventListener('abort', () => aborts++);
    assert.strictEqual(signal.aborted, false);
    assert.strictEqual(t.disposed, 0, 'kept while the token may still fire');
    t.cancel();
    assert.strictEqual(signal.aborted, true);
    assert.strictEqual(aborts, 1);
    assert.strictEqual(t.disposed, 1, 'released once fired');
    t.cancel();
    assert.strictEqual(aborts, 1);
  });

  it('a token that fires while subscribing aborts the signal and is still released', () => {
    const t = token({ fireOnSubscribe: true });
    assert.strictEqual(toAbortSignal(t)?.aborted, true);
    assert.strictEqual(t.disposed, 1);
  });

  it('no token, no signal', () => {
    assert.strictEqual(toAbortSignal(undefined), undefined);
  });

  it('abortableSleep waits the time, then resolves and stops listening to the signal', async () => {
    const c = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const signal = c.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, l: EventListener, o?: AddEventListenerOptions) => (added.push(type), add(type, l, o))) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, l: EventListener) => (removed.push(type), remove(type, l))) as typeof signal.removeEventListener;
    const t0 = Date.now();
    await abortableSleep(60, signal);
    assert.ok(Date.now() - t0 >= 50, `slept ${Date.now() - t0} ms`);
    assert.deepStrictEqual([added, removed], [['abort'], ['abort']]);
  });

  it('abortableSleep rejects at once with a cancellation error when the signal aborts, before or during the wait', async () => {
    const isCancel = (e: Error & { code?: string }): boolean => e.name === 'AbortError' && e.code === 'ERR_CANCELED' && /cancelled/.test(e.message);
    await assert.rejects(abortableSleep(10_000, AbortSignal.abort()), isCancel);
    const c = new AbortController();
    const t0 = Date.now();
    const sleeping = abortableSleep(10_000, c.signal);
    setTimeout(() => c.abort(), 20);
    await assert.rejects(sleeping, isCancel);
    assert.ok(Date.now() - t0 < 2000, 'did not wait the full time');
  });

  it('abortableSleep without a signal just waits', async () => {
    const t0 = Date.now();
    await abortableSleep(30);
    assert.ok(Date.now() - t0 >= 25);
  });
});
