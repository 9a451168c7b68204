// Numbers and times as rows show them. Pure: no `vscode` import.

/** "just now", "45 s ago", "3 min ago", "3 h ago", "2 d ago", "in 5 min" (future), or "" for a bad date. */
export function relativeAge(iso: string | undefined, now: number): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) {
    return '';
  }
  const diff = now - t;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 10_000) {
    return 'just now';
  } else if (abs < 60_000) {
    text = `${Math.floor(abs / 1000)} s`;
  } else if (abs < 3_600_000) {
    text = `${Math.floor(abs / 60_000)} min`;
  } else if (abs < 86_400_000) {
    text = `${Math.floor(abs / 3_600_000)} h`;
  } else {
    text = `${Math.floor(abs / 86_400_000)} d`;
  }
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** "50 of 12,408", or "12,408" when everything is shown. */
export function countText(shown: number, total: number): string {
  const f = (n: number): string => n.toLocaleString('en-US');
  return shown >= total ? f(total) : `${f(shown)} of ${f(total)}`;
}

export function clampPageSize(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : 100;
  return Math.max(1, Math.min(500, n));
}
