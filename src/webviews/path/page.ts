// The static page of a path panel, before the first view arrives. Pure (no `vscode`, no DOM) and apart from the
// protocol, which the webview bundle imports: this module uses the page shell (../html.ts), which the bundle must not.
import { escapeAttr, escapeHtml, type PageContent } from '../html';

/** What the static page of a path panel says before the first view arrives. */
export interface PathPageOptions {
  heading: string;
  /** One line under the heading ("Session s1 on Lab"). */
  meta: string;
  /** What the drawn path is (and is not), under the facts; optional. */
  source?: string;
  /** "route path", "session path": the loading status says "Loading the route path…". */
  noun: string;
}

/**
 * The static HTML of a path panel (src/webviews/panelHost.ts adds the shell, the CSP, the script and the style). The
 * element ids are the ones the script (main.ts) fills; every string is escaped here, and the path itself arrives as a
 * typed message the script puts in with textContent/setAttribute.
 */
export function pathPage(o: PathPageOptions): PageContent {
  const source = o.source ? `\n      <p id="source" class="meta source">${escapeHtml(o.source)}</p>` : '';
  const body = `    <header class="header">
      <h1 id="heading">${escapeHtml(o.heading)}</h1>
      <p id="meta" class="meta">${escapeHtml(o.meta)}</p>${source}
      <div class="toolbar" role="toolbar" aria-label="${escapeAttr(`${capitalized(o.noun)} actions`)}">
        <button id="refresh" type="button" class="button">Refresh</button>
        <button id="revoke" type="button" class="button danger" hidden>Revoke Session…</button>
        <span id="status" class="status" role="status" aria-live="polite">${escapeHtml(`Loading the ${o.noun}…`)}</span>
      </div>
    </header>
    <main>
      <section id="notice" class="notice" hidden aria-live="polite"></section>
      <section id="drawing" class="drawing" aria-label="${escapeAttr(`${capitalized(o.noun)} drawing`)}"></section>
      <section id="text" class="text-alternative"></section>
    </main>
    <noscript><p>${escapeHtml(`Scripts are needed to draw the ${o.noun}.`)}</p></noscript>`;
  return { title: o.heading, body };
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
