import * as assert from 'assert';
import { backoffDelay, parseRetryAfter } from '../../../src/http/retryAfter';

describe('http/retryAfter', () => {
  const now = () => Date.parse('2025-06-01T10:00:00Z');

  it('parses delta-seconds, including fractional values', () => {
    assert.strictEqual(parseRetryAfter('120'), 120_000);
    assert.strictEqual(parseRetryAfter(' 0 '), 0);
    assert.strictEqual(parseRetryAfter('1.5'), 1500);
    assert.strictEqual(parseRetryAfter('1.25'), 1250);
    assert.strictEqual(parseRetryAfter(['2', '9']), 2000);
  });

  it('parses an HTTP-date relative to the injected clock, and a past date as 0', () => {
    assert.strictEqual(parseRetryAfter('Sun, 01 Jun 2025 10:00:07 GMT', { now }), 7000);
    assert.strictEqual(parseRetryAfter('Sun, 01 Jun 2025 09:59:00 GMT', { now }), 0);
  });

  it('caps at maxMs', () => {
    assert.strictEqual(parseRetryAfter('3600', { maxMs: 30_000 }), 30_000);
    assert.strictEqual(parseRetryAfter('Mon, 02 Jun 2025 10:00:00 GMT', { now, maxMs: 5000 }), 5000);
  });

  it('returns undefined for absent or garbage values', () => {
    assert.strictEqual(parseRetryAfter(undefined), undefined);
    assert.strictEqual(parseRetryAfter(''), undefined);
    assert.strictEqual(parseRetryAfter('-5'), undefined);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
    assert.strictEqual(parseRetryAfter('12abc'), undefined);
  });

  it('takes a number, the first of several header values, and an upper-case HTTP-date', () => {
    assert.strictEqual(parseRetryAfter(5), 5000);
    assert.strictEqual(parseRetryAfter(['3', 'Sun, 01 Jun 2025 10:00:07 GMT'], { now }), 3000);
    assert.strictEqual(parseRetryAfter([]), undefined);
    assert.strictEqual(parseRetryAfter(null), undefined);
    assert.strictEqual(parseRetryAfter('SUN, 01 JUN 2025 10:00:07 GMT', { now }), 7000);
    assert.strictEqual(parseRetryAfter('2025-06-01T10:00:09Z', { now }), 9000);
    assert.strictEqual(parseRetryAfter('0', { maxMs: 0 }), 0);
    assert.strictEqual(parseRetryAfter('7', { maxMs: 0 }), 0);
  });

  it('backoff uses full jitter below an exponential, capped ceiling', () => {
    assert.strictEqual(backoffDelay(-3, { baseDelayMs: 300, maxDelayMs: 30_000 }, () => 0.5), 150, 'a negative attempt counts as the first');
    assert.strictEqual(backoffDelay(1, { baseDelayMs: 300, maxDelayMs: 30_000 }, () => 0.5), 300);
    const opts = { baseDelayMs: 300, maxDelayMs: 30_000 };
    assert.strictEqual(backoffDelay(0, opts, () => 0.5), 150);
    assert.strictEqual(backoffDelay(3, opts, () => 0.5), 1200);
    assert.strictEqual(backoffDelay(20, opts, () => 0.999999), 29_999);
    assert.strictEqual(backoffDelay(2, opts, () => 0), 0);
  });
});
