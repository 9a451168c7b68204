// HTML for Session Manager's webviews: escaping, the nonce, the Content Security Policy and the page shell. Pure: no
// `vscode` import (the panels pass in `webview.cspSource` and the resource URIs as strings), so it is unit-tested.
import { randomBytes } from 'crypto';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes a value for a double-quoted attribute, leaving single quotes readable (CSP keywords are quoted with them). */
export function escapeAttr(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A fresh nonce for one rendering: 128 random bits, base64 (only [A-Za-z0-9+/=]). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy every panel uses: nothing by default; styles and images from the extension's own resources (and data:
 * images); scripts only with this rendering's nonce. No inline styles, no remote anything, no eval.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string | undefined): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    nonce ? `script-src 'nonce-${nonce}'` : "script-src 'none'",
    `img-src ${cspSource} data:`,
    "font-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** What a panel shows: the page's title (plain text) and its body (trusted markup, every API string escaped). */
export interface PageContent {
  title: string;
  body: string;
}

export interface PageOptions {
  cspSource: string;
  /** Set when the page loads a script. */
  nonce?: string;
  /** Plain text; escaped here. */
  title: string;
  /** Stylesheet URIs (webview URIs as strings). */
  styles: string[];
  /** The script's webview URI; loaded with the nonce. */
  script?: string;
  /** Trusted markup built by the caller with every API string passed through escapeHtml. */
  body: string;
}

export function renderPage(o: PageOptions): string {
  const styles = o.styles.map((s) => `<link rel="stylesheet" href="${escapeHtml(s)}">`).join('\n    ');
  const script = o.script && o.nonce ? `<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.script)}"></script>` : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(o.title)}</title>
  </head>
  <body>
${o.body}
    ${script}
  </body>
</html>
`;
}
