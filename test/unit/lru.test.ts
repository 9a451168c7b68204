import * as assert from 'assert';
import { BoundedMap } from '../../src/util/lru';

describe('util/lru BoundedMap', () => {
  it('never holds more than its capacity: the least recently set or read entry goes first', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2).set('c', 3);
    assert.strictEqual(m.get('a'), 1, 'reading a makes it recent');
    m.set('d', 4);
    assert.strictEqual(m.size, 3);
    assert.strictEqual(m.has('b'), false, 'b was the least recently used');
    assert.deepStrictEqual([...m.keys()], ['c', 'a', 'd']);
    m.set('c', 30);
    m.set('e', 5);
    assert.deepStrictEqual([...m.entries()], [['d', 4], ['c', 30], ['e', 5]]);
    for (let i = 0; i < 10_000; i++) {
      m.set(`k${i}`, i);
    }
    assert.strictEqual(m.size, 3);
    assert.ok(m.delete('k9999'));
    assert.strictEqual(m.size, 2);
    assert.throws(() => new BoundedMap(0), RangeError);
  });

  it('reading a missing key adds nothing and changes no order', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    assert.strictEqual(m.get('zz'), undefined);
    assert.strictEqual(m.size, 2);
    assert.strictEqual(m.has('zz'), false);
    assert.deepStrictEqual([...m.keys()], ['a', 'b']);
  });

  it('a capacity of 1 keeps the last entry; below 1 is refused with a clear message', () => {
    const m = new BoundedMap<string, number>(1);
    m.set('a', 1).set('b', 2);
    assert.deepStrictEqual([...m], [['b', 2]]);
    assert.deepStrictEqual([...m.values()], [2]);
    for (const bad of [0, -1, Number.NaN]) {
      assert.throws(() => new BoundedMap(bad), { name: 'RangeError', message: 'capacity must be at least 1' });
    }
  });

  it('clear empties it', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2);
    m.clear();
    assert.strictEqual(m.size, 0);
    assert.deepStrictEqual([...m.entries()], []);
  });
});
