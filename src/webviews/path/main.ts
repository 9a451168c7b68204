/// <reference lib="dom" />
// The path panel's webview script (bundled by esbuild into dist/webviews/path.js, loaded with the page's nonce): it
// draws OpenZiti route paths and Aptible session paths alike, with the words the extension sends in `view.texts`.
// Every message is validated; every string from the API goes into the DOM through textContent or setAttribute.
import { HostMessage, isHostMessage, PathHop, PathPanelState, PathRole, PathTexts, PathView, WebviewMessage } from './protocol';

type RenderedView = PathView & { texts: PathTexts };

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PathPanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 176;
const BOX_H = 72;
const GAP = 56;
const PAD = 12;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, v);
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function svg(tag: string, attrs: Record<string, string | number> = {}, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) {
    throw new Error(`missing #${id}`);
  }
  return e as T;
}

/** "21:49:35 UTC": the clock the rest of the page and the other views use, the same on every machine. */
function utcTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(11, 19)} UTC` : 'at an unknown time';
}

function stateText(h: PathHop): string {
  if (!h.known) {
    return 'unknown';
  }
  return h.online === undefined ? '' : h.online ? 'online' : 'offline';
}

/** Cuts a label to fit a box; the full text is in the box's <title> and in the table. */
function fit(text: string, max = 22): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** How many boxes fit in one row of the panel (at least 1); longer paths wrap onto more rows. */
function columns(count: number): number {
  const width = Math.max(document.body.clientWidth - 32, BOX_W + PAD * 2);
  return Math.max(1, Math.min(count, Math.floor((width - PAD * 2 + GAP) / (BOX_W + GAP))));
}

/** Routers are looked up on the controller; the other boxes (people, operations, apps…) are just not found. */
const ROUTERS: readonly PathRole[] = ['ingress', 'transit', 'egress', 'edge'];
/** Ends of a path, drawn with round corners. */
const ENDS: readonly PathRole[] = ['identity', 'service', 'person', 'account'];

function boxLine(h: PathHop): string {
  if (!h.known) {
    return ROUTERS.includes(h.role) ? 'not found on the controller' : 'not found';
  }
  return fit([stateText(h), h.detail].filter(Boolean).join(' · '), 28);
}

function drawPath(view: RenderedView): SVGElement {
  const hops = view.hops;
  const cols = columns(hops.length);
  const rows = Math.ceil(hops.length / cols);
  const rowH = BOX_H + GAP / 2;
  const width = PAD * 2 + cols * BOX_W + (cols - 1) * GAP;
  const height = PAD * 2 + rows * rowH - GAP / 2;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'path-title path-desc', class: 'path' });
  root.appendChild(svg('title', { id: 'path-title' }, view.texts.caption));
  root.appendChild(svg('desc', { id: 'path-desc' }, hops.map((h) => `${h.roleLabel} ${h.name}${stateText(h) ? ` (${stateText(h)})` : ''}`).join(', then ')));
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
  marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
  defs.appendChild(marker);
  root.appendChild(defs);
  const pos = (i: number): { x: number; y: number } => ({ x: PAD + (i % cols) * (BOX_W + GAP), y: PAD + Math.floor(i / cols) * rowH });
  hops.forEach((h, i) => {
    const { x, y } = pos(i);
    if (i > 0) {
      const prev = pos(i - 1);
      if (prev.y === y) {
        root.appendChild(svg('line', { x1: prev.x + BOX_W + 2, y1: y + BOX_H / 2, x2: x - 4, y2: y + BOX_H / 2, class: 'link', 'marker-end': 'url(#arrow)' }));
      } else {
        // Wrap: down from the previous box, back to the left, down into this one.
        const midY = prev.y + BOX_H + GAP / 4;
        root.appendChild(
          svg('path', { d: `M ${prev.x + BOX_W / 2} ${prev.y + BOX_H + 2} V ${midY} H ${x + BOX_W / 2} V ${y - 4}`, class: 'link', fill: 'none', 'marker-end': 'url(#arrow)' }),
        );
      }
    }
    const state = stateText(h);
    const g = svg('g', { class: `hop role-${h.role} ${h.known ? '' : 'unknown'} ${state === 'offline' ? 'offline' : state === 'online' ? 'online' : ''}`.trim() });
    g.appendChild(svg('title', {}, `${h.roleLabel}: ${h.name}${h.id ? ` (${h.id})` : ''}${state ? ` — ${state}` : ''}`));
    g.appendChild(svg('rect', { x, y, width: BOX_W, height: BOX_H, rx: ENDS.includes(h.role) ? 18 : 4, class: 'box' }));
    g.appendChild(svg('text', { x: x + BOX_W / 2, y: y + 20, class: 'role', 'text-anchor': 'middle' }, h.roleLabel));
    // Names are bold and larger than the other lines: fewer characters fit the box.
    g.appendChild(svg('text', { x: x + BOX_W / 2, y: y + 42, class: 'name', 'text-anchor': 'middle' }, fit(h.name, 19)));
    const line = boxLine(h);
    if (line) {
      g.appendChild(svg('text', { x: x + BOX_W / 2, y: y + 60, class: `state ${h.known ? state : 'unknown'}`, 'text-anchor': 'middle' }, line));
    }
    root.appendChild(g);
    g.appendChild(svg('text', { x: x + 9, y: y + 17, class: 'step', 'text-anchor': 'start' }, String(i + 1)));
  });
  return root;
}

function table(view: RenderedView): HTMLTableElement {
  const t = el('table', { class: 'hops' });
  t.appendChild(el('caption', {}, view.texts.caption));
  const head = el('thead');
  const hr = el('tr');
  for (const h of ['Step', 'Role', 'Name', 'State', 'Id']) {
    hr.appendChild(el('th', { scope: 'col' }, h));
  }
  head.appendChild(hr);
  t.appendChild(head);
  const body = el('tbody');
  view.hops.forEach((h, i) => {
    const tr = el('tr');
    tr.appendChild(el('td', {}, String(i + 1)));
    tr.appendChild(el('td', {}, h.roleLabel));
    tr.appendChild(el('th', { scope: 'row' }, h.name));
    tr.appendChild(el('td', {}, [stateText(h), h.detail].filter(Boolean).join(', ')));
    tr.appendChild(el('td', { class: 'id' }, h.id));
    body.appendChild(tr);
  });
  t.appendChild(body);
  return t;
}

let current: RenderedView | undefined;

function render(view: RenderedView): void {
  current = view;
  vscode.setState({ connectionId: view.connectionId, sessionId: view.sessionId });
  const heading = view.texts.heading;
  byId('heading').textContent = heading;
  document.title = heading;
  const meta = [...view.texts.meta, `updated ${utcTime(view.updatedAt)}`];
  if (view.autoRefreshSeconds > 0 && view.state !== 'ended') {
    meta.push(`refreshes every ${view.autoRefreshSeconds} s while visible`);
  }
  byId('meta').textContent = meta.filter(Boolean).join(' · ');
  const revoke = byId<HTMLButtonElement>('revoke');
  revoke.hidden = !view.canRevoke;
  const notice = byId('notice');
  const drawing = byId('drawing');
  const text = byId('text');
  drawing.replaceChildren();
  text.replaceChildren();
  notice.className = `notice ${view.state}`;
  if (view.state === 'path') {
    notice.hidden = true;
    notice.textContent = '';
    drawing.appendChild(drawPath(view));
    text.appendChild(table(view));
  } else {
    notice.hidden = false;
    const noun = view.texts.noun;
    const title = view.state === 'ended' ? 'This session has ended' : view.state === 'empty' ? `No ${noun}` : view.state === 'error' ? `Could not load the ${noun}` : 'Loading…';
    notice.replaceChildren(el('h2', {}, title), el('p', {}, view.message ?? ''));
  }
  if (!busyNow) {
    // A (re)loaded page starts with "Loading…" in its status: an answer ends that, whatever arrives after it.
    setBusy(false);
  }
}

let busyNow = false;

function setBusy(busy: boolean, label?: string): void {
  busyNow = busy;
  byId<HTMLButtonElement>('refresh').disabled = busy;
  byId<HTMLButtonElement>('revoke').disabled = busy;
  byId('status').textContent = busy ? (label ?? 'Working…') : current ? `Updated ${utcTime(current.updatedAt)}` : '';
}

function onMessage(data: unknown): void {
  if (!isHostMessage(data)) {
    console.warn('Session Manager path panel: ignored a malformed message');
    return;
  }
  const m: HostMessage = data;
  if (m.type === 'render') {
    render(m.view);
  } else {
    setBusy(m.busy, m.label);
  }
}

window.addEventListener('message', (e: MessageEvent) => onMessage(e.data));
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (current?.state === 'path') {
      byId('drawing').replaceChildren(drawPath(current));
    }
  }, 100);
});
byId('refresh').addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
byId('revoke').addEventListener('click', () => vscode.postMessage({ type: 'revoke' }));
vscode.postMessage({ type: 'ready' });
