// Retry-After parsing and exponential backoff with full jitter. Pure: no I/O, no `vscode`.

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Parses a `Retry-After` header value into milliseconds from `now`.
 *
 * Accepts delta-seconds (`"120"`, also a fractional `"1.5"` some servers send) and an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`). A date in the past gives 0. The result is capped at `maxMs` when given.
 * Returns undefined when the header is absent or unparseable (then the caller falls back to backoff).
 */
export function parseRetryAfter(
  value: string | readonly string[] | number | undefined | null,
  options: { now?: () => number; maxMs?: number } = {},
): number | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: equivalent, a shortcut: without it null/undefined become "null"/"undefined", which do not parse as a date, and give undefined all the same
  if (value === undefined || value === null) {
    return undefined;
  }
  const raw = Array.isArray(value) ? value[0] : value;
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut: "undefined" does not parse as a date either
  if (raw === undefined) {
    return undefined;
  }
  const text = String(raw).trim();
  // Stryker disable next-line ConditionalExpression,StringLiteral,BlockStatement: equivalent, a shortcut: an empty text matches neither branch below and gives undefined
  if (text === '') {
    return undefined;
  }
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Math.round(Number(text) * 1000);
  } else if (/[a-z]/i.test(text)) {
    // Only something that looks like a date: Date.parse is lenient with bare numbers and odd strings.
    const at = Date.parse(text);
    // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: a NaN date makes ms NaN, which the finite check below turns into undefined
    if (!Number.isNaN(at)) {
      const now = (options.now ?? Date.now)();
      ms = Math.max(0, at - now);
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    return undefined;
  }
  return options.maxMs !== undefined ? Math.min(ms, options.maxMs) : ms;
}

/**
 * Exponential backoff with "full jitter": a uniformly random delay in [0, min(max, base * 2^attempt)].
 * `attempt` is 0 for the first retry. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
