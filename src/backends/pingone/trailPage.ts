// The static HTML of the PingOne session trail panel: where a session was used, in time order, the time between
// moves, and a warning mark where the country changed faster than the setting allows. No script at all (the panel's
// CSP then allows none): a table that is its own text alternative, plus the plain-text lines. Every string from the
// API is escaped here. Pure: no `vscode` import.
import { escapeHtml, type PageContent } from '../../webviews/html';
import { formatDuration, formatUtc, type SessionTrail } from './trail';

export interface TrailPageOptions {
  trail: SessionTrail;
  /** "Chrome on macOS". */
  sessionLabel: string;
  sessionId: string;
  userName: string;
  environmentName: string;
  connectionLabel: string;
  /** Set once the session was revoked: the page keeps what it showed and says so. */
  ended?: string;
}

export function trailTitle(sessionLabel: string, userName: string): string {
  return `Session trail: ${sessionLabel} — ${userName}`;
}

export function trailContent(o: TrailPageOptions): PageContent {
  const title = trailTitle(o.sessionLabel, o.userName);
  const t = o.trail;
  const rows = t.stops
    .map((s) => {
      const what = s.kind === 'signOn' ? 'Sign-on' : 'Location';
      const gap = s.sincePreviousMs !== undefined ? formatDuration(s.sincePreviousMs) : '—';
      const note = s.tooFast
        ? `<span class="warn" role="img" aria-label="Warning">⚠</span> Country changed within ${escapeHtml(formatDuration(s.countryChangeAfterMs ?? 0))}, faster than ${escapeHtml(String(t.fastCountryChangeHours))} h`
        : s.countryChanged
          ? `Country changed after ${escapeHtml(formatDuration(s.countryChangeAfterMs ?? 0))}`
          : s.moved
            ? 'Moved'
            : '';
      return `        <tr class="${s.tooFast ? 'too-fast' : ''}">
          <td><time datetime="${escapeHtml(s.at)}">${escapeHtml(formatUtc(s.atMs))}</time></td>
          <td>${escapeHtml(what)}</td>
          <td>${escapeHtml(s.kind === 'signOn' ? '—' : s.place)}</td>
          <td>${escapeHtml(s.remoteIp ?? '—')}</td>
          <td>${escapeHtml(gap)}</td>
          <td>${note}</td>
        </tr>`;
    })
    .join('\n');
  const summary =
    t.stops.length === 0
      ? 'PingOne recorded no locations for this session.'
      : `${t.stops.length} recorded point${t.stops.length === 1 ? '' : 's'} (PingOne keeps the last 5 locations and the last sign-on)${
          t.warnings > 0 ? `; ${t.warnings} change${t.warnings === 1 ? '' : 's'} of country faster than ${t.fastCountryChangeHours} h` : ''
        }.`;
  const body = `    <header class="header">
      <h1>${escapeHtml(title)}</h1>
      <p class="meta">Session ${escapeHtml(o.sessionId)} of ${escapeHtml(o.userName)} in ${escapeHtml(o.environmentName)} on ${escapeHtml(o.connectionLabel)} (PingOne)</p>
      ${o.ended ? `<p class="ended" role="status">${escapeHtml(o.ended)}</p>` : ''}
      <p class="summary${t.warnings > 0 ? ' has-warnings' : ''}" role="status">${t.warnings > 0 ? '<span class="warn" aria-hidden="true">⚠</span> ' : ''}${escapeHtml(summary)}</p>
    </header>
    <main>
      <table class="trail" aria-label="Where the session was used, oldest first">
        <thead>
          <tr><th scope="col">Time (UTC)</th><th scope="col">What</th><th scope="col">Place</th><th scope="col">IP address</th><th scope="col">Since previous</th><th scope="col">Note</th></tr>
        </thead>
        <tbody>
${rows}
        </tbody>
      </table>
      <details class="text-alternative">
        <summary>As plain text</summary>
        <pre>${escapeHtml(t.lines.join('\n'))}</pre>
      </details>
      <p class="meta">Places come from PingOne's IP geolocation and can be wrong (VPNs, mobile networks).</p>
    </main>`;
  return { title, body };
}
