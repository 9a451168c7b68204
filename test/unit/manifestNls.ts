// The manifest as VS Code shows it: package.json with every `%key%` string replaced by its English text from
// package.nls.json (what VS Code does when no language pack applies). Tests that assert on titles, names and
// descriptions read this, so they keep asserting on the words the person sees.
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** package.json as written, with the `%key%` placeholders. */
export function rawManifest(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

/** package.nls.json: key → English text. */
export function nlsBundle(): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
}

/** A string that is exactly one `%key%` placeholder gives its key. */
export const PLACEHOLDER = /^%([^%\s]+)%$/;

/** Every `%key%` placeholder anywhere in `value`. */
export function placeholders(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    const m = PLACEHOLDER.exec(value);
    if (m) {
      out.push(m[1]);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v) => placeholders(v, out));
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach((v) => placeholders(v, out));
  }
  return out;
}

/** `value` with every placeholder replaced; a key missing from the bundle throws. */
export function resolveNls<T>(value: T, nls: Record<string, string> = nlsBundle()): T {
  if (typeof value === 'string') {
    const m = PLACEHOLDER.exec(value);
    if (!m) {
      return value;
    }
    if (!Object.prototype.hasOwnProperty.call(nls, m[1])) {
      throw new Error(`package.json uses %${m[1]}%, which package.nls.json does not define`);
    }
    return nls[m[1]] as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => resolveNls(v, nls)) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveNls(v, nls)])) as T;
  }
  return value;
}

/** package.json as the person sees it (English). */
export function manifest(): Record<string, unknown> {
  return resolveNls(rawManifest());
}
