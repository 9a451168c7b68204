// The enrollment QR code, drawn by the qrcode-generator library (no hand-written encoder) as an SVG path of dark
// modules, and the QR panel's HTML. Pure: no `vscode` import. The JWT is only inside the QR modules: never as text.
import qrcode from 'qrcode-generator';
import { escapeHtml, PageContent } from '../../../webviews/html';

/** The QR matrix of `text` (byte mode, error correction L: the JWT is long, and a low density scans best). */
export function qrMatrix(text: string): boolean[][] {
  const qr = qrcode(0, 'L');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const rows: boolean[][] = [];
  for (let r = 0; r < n; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < n; c++) {
      row.push(qr.isDark(r, c));
    }
    rows.push(row);
  }
  return rows;
}

/**
 * An SVG of the matrix with a 4-module quiet zone. Dark on light whatever the theme: scanners need that contrast
 * (presentation attributes, not inline styles, so the CSP needs no 'unsafe-inline').
 */
export function qrSvg(matrix: boolean[][], label: string): string {
  const n = matrix.length;
  const size = n + 8;
  let d = '';
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!matrix[r][c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && matrix[r][c]) {
        c++;
      }
      d += `M${start + 4} ${r + 4}h${c - start}v1h-${c - start}z`;
    }
  }
  return `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="${escapeHtml(label)}"><rect width="${size}" height="${size}" fill="#ffffff"/><path d="${d}" fill="#000000"/></svg>`;
}

export interface QrPageOptions {
  /** The secret the QR encodes; it appears nowhere else in the page. */
  jwt: string;
  subject: string;
  method: string;
  connectionLabel: string;
  expiry: string;
}

/** What the panel host shows (src/webviews/panelHost.ts adds the shell, the CSP, the script and the style). */
export function qrContent(o: QrPageOptions): PageContent {
  const title = `Enrollment QR code: ${o.subject}`;
  const svg = qrSvg(qrMatrix(o.jwt), `QR code of the ${o.method} enrollment JWT for ${o.subject}`);
  const body = `    <main class="qr-page">
      <h1>${escapeHtml(title)}</h1>
      <p class="meta">${escapeHtml(`${o.method} enrollment on ${o.connectionLabel} · ${o.expiry}`)}</p>
      <div class="warning" role="note">
        <strong>This QR code is a secret.</strong>
        It encodes the enrollment JWT: whoever scans it can enroll as ${escapeHtml(o.subject)} until it expires or is used.
        Do not share screenshots of it, and close this panel when done.
      </div>
      <figure class="qr-figure">${svg}<figcaption>Scan with an OpenZiti tunneler or mobile app to enroll.</figcaption></figure>
      <div class="toolbar" role="toolbar" aria-label="Enrollment JWT actions">
        <button id="copy" type="button" class="button">Copy JWT</button>
        <button id="save" type="button" class="button secondary">Save JWT…</button>
      </div>
    </main>`;
  return { title, body };
}

