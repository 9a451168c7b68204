import * as assert from 'assert';
import { SingleFlight } from '../../src/util/singleFlight';

/** A task whose end the test decides. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('util/singleFlight', () => {
  it('callers that arrive while a run is in flight share it: the task runs once', async () => {
    const sf = new SingleFlight<number>();
    const d = deferred<number>();
    let calls = 0;
    const task = (): Promise<number> => {
      calls++;
      return d.promise;
    };
    const a = sf.run(task);
    const b = sf.run(task);
    assert.strictEqual(a, b);
    d.resolve(7);
    assert.deepStrictEqual(await Promise.all([a, b]), [7, 7]);
    assert.strictEqual(calls, 1);
  });

  it('after a run settles (resolved or rejected) the next call starts a new run', async () => {
    const sf = new SingleFlight<string>();
    let calls = 0;
    assert.strictEqual(await sf.run(async () => `r${++calls}`), 'r1');
    assert.strictEqual(await sf.run(async () => `r${++calls}`), 'r2');
    await assert.rejects(
      sf.run(async () => {
        calls++;
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.strictEqual(await sf.run(async () => `r${++calls}`), 'r4');
  });

  it('reset() forgets the run in flight: the next call starts afresh, the old callers still get their result', async () => {
    const sf = new SingleFlight<string>();
    const first = deferred<string>();
    const second = deferred<string>();
    const a = sf.run(() => first.promise);
    sf.reset();
    let secondCalls = 0;
    const b = sf.run(() => {
      secondCalls++;
      return second.promise;
    });
    assert.notStrictEqual(a, b);
    assert.strictEqual(secondCalls, 1);
    first.resolve('old');
    second.resolve('new');
    assert.deepStrictEqual(await Promise.all([a, b]), ['old', 'new']);
  });

  it('a forgotten run that settles late does not clear the newer run in flight', async () => {
    const sf = new SingleFlight<string>();
    const first = deferred<string>();
    const second = deferred<string>();
    const a = sf.run(() => first.promise);
    sf.reset();
    const b = sf.run(() => second.promise);
    first.resolve('old');
    await a;
    await new Promise((r) => setImmediate(r));
    // The newer run is still the one in flight: a caller now shares it instead of starting a third.
    let thirdCalls = 0;
    const c = sf.run(async () => {
      thirdCalls++;
      return 'third';
    });
    assert.strictEqual(c, b);
    assert.strictEqual(thirdCalls, 0);
    second.resolve('new');
    assert.strictEqual(await c, 'new');
  });
});
