// A PingOne session's trail: where it was used, in time order, and whether it moved between countries faster than a
// person can travel. Pure (no `vscode`): the trail panel draws it, and `lines` is its text alternative.
//
// PingOne records the last 5 locations of a session (`locations[]`: at, remoteIp, city, state, region, country; in
// no documented order) and the last sign-on with authenticators (`lastSignOn`: at, remoteIp, without a place).
import type { PingOneSession, PingOneSessionLocation } from './models';

/** Country changes faster than this are marked (the `sessionManager.pingone.trailCountryChangeHours` setting's default). */
export const DEFAULT_FAST_COUNTRY_CHANGE_HOURS = 2;

export interface TrailOptions {
  /** A change of country within this many hours of the previous known country is marked as too fast. */
  fastCountryChangeHours?: number;
}

/** One point of the trail. */
export interface TrailStop {
  /** 'location': a recorded location; 'signOn': the last sign-on with authenticators (an IP, no place). */
  kind: 'location' | 'signOn';
  /** ISO time as the server sent it. */
  at: string;
  atMs: number;
  remoteIp?: string;
  city?: string;
  state?: string;
  region?: string;
  country?: string;
  /** "Tacoma, Washington, United States" (or the IP alone when there is no place). */
  place: string;
  /** Time since the previous stop, in ms (undefined for the first). */
  sincePreviousMs?: number;
  /** The place or the IP differs from the previous stop's. */
  moved: boolean;
  /** The country differs from the last known country before it. */
  countryChanged: boolean;
  /** When the country changed: the time since the last stop in the previous country, in ms. */
  countryChangeAfterMs?: number;
  /** The country changed faster than the threshold allows (a warning mark). */
  tooFast: boolean;
}

export interface SessionTrail {
  stops: TrailStop[];
  /** How many stops carry the too-fast mark. */
  warnings: number;
  /** The threshold used, in hours. */
  fastCountryChangeHours: number;
  /** The trail as plain text, one line per stop (the panel's text alternative and Copy). */
  lines: string[];
}

/** The trail of a session: its locations and last sign-on in time order, the time between them, and warnings. */
export function sessionTrail(session: Pick<PingOneSession, 'locations' | 'lastSignOn'>, options: TrailOptions = {}): SessionTrail {
  const hours = validHours(options.fastCountryChangeHours);
  const limitMs = hours * 3_600_000;
  const raw: Omit<TrailStop, 'sincePreviousMs' | 'moved' | 'countryChanged' | 'countryChangeAfterMs' | 'tooFast'>[] = [];
  for (const l of Array.isArray(session.locations) ? session.locations : []) {
    const stop = locationStop(l);
    if (stop) {
      raw.push(stop);
    }
  }
  const signOn = session.lastSignOn;
  const signOnMs = typeof signOn?.at === 'string' ? Date.parse(signOn.at) : NaN;
  // The sign-on is its own stop unless a location already records that moment from that address.
  if (signOn && Number.isFinite(signOnMs) && !raw.some((s) => s.atMs === signOnMs && s.remoteIp === text(signOn.remoteIp))) {
    const ip = text(signOn.remoteIp);
    raw.push({ kind: 'signOn', at: signOn.at as string, atMs: signOnMs, remoteIp: ip, place: ip ?? 'unknown address' });
  }
  // Time order; at the same moment the sign-on comes first (it starts what follows).
  raw.sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === 'signOn' ? -1 : 1));

  const stops: TrailStop[] = [];
  let lastCountry: { name: string; atMs: number } | undefined;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: raw[-1] is undefined as well
    const prev = i > 0 ? raw[i - 1] : undefined;
    // Stryker disable next-line MethodExpression: only compared with countries folded the same way (upper = lower)
    const country = s.country?.toLowerCase();
    const countryChanged = country !== undefined && lastCountry !== undefined && lastCountry.name !== country;
    const countryChangeAfterMs = countryChanged ? s.atMs - (lastCountry as { atMs: number }).atMs : undefined;
    const tooFast = countryChangeAfterMs !== undefined && countryChangeAfterMs < limitMs;
    const moved =
      prev !== undefined &&
      ((s.remoteIp !== undefined && prev.remoteIp !== undefined && s.remoteIp !== prev.remoteIp) ||
        (s.kind === 'location' && prev.kind === 'location' && placeKey(s) !== placeKey(prev)));
    stops.push({ ...s, sincePreviousMs: prev ? s.atMs - prev.atMs : undefined, moved, countryChanged, countryChangeAfterMs, tooFast });
    if (country !== undefined) {
      lastCountry = { name: country, atMs: s.atMs };
    }
  }
  const warnings = stops.filter((s) => s.tooFast).length;
  return { stops, warnings, fastCountryChangeHours: hours, lines: trailLines(stops, hours) };
}

/** "2 h 5 min", "45 min", "3 d 4 h", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) {
    return `${s} s`;
  }
  const min = Math.floor(s / 60);
  if (min < 60) {
    return `${min} min`;
  }
  const h = Math.floor(min / 60);
  if (h < 24) {
    return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  }
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "2025-06-01 09:26:55 UTC": the same on every machine. */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "são paulo" → "São Paulo"; "auvergne-rhone-alpes" → "Auvergne-Rhone-Alpes" (PingOne sends places in lower case). */
export function titleCase(s: string): string {
  return s.replace(/(^|[\s\-'(])(\p{Ll})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** City, state/region and country of a location, title-cased, without repeats ("Singapore, Singapore" → "Singapore"). */
export function placeOf(l: Pick<PingOneSessionLocation, 'city' | 'state' | 'region' | 'country'>): string | undefined {
  const parts: string[] = [];
  for (const p of [l.city, l.state ?? l.region, l.country]) {
    const t = text(p);
    if (t && !parts.some((q) => q.toLowerCase() === t.toLowerCase())) {
      parts.push(titleCase(t));
    }
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

function validHours(h: number | undefined): number {
  return typeof h === 'number' && Number.isFinite(h) && h > 0 ? h : DEFAULT_FAST_COUNTRY_CHANGE_HOURS;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function locationStop(l: PingOneSessionLocation | undefined): Omit<TrailStop, 'sincePreviousMs' | 'moved' | 'countryChanged' | 'countryChangeAfterMs' | 'tooFast'> | undefined {
  if (!l || typeof l !== 'object' || typeof l.at !== 'string') {
    return undefined;
  }
  const atMs = Date.parse(l.at);
  if (!Number.isFinite(atMs)) {
    return undefined;
  }
  const remoteIp = text(l.remoteIp);
  return {
    kind: 'location',
    at: l.at,
    atMs,
    remoteIp,
    city: text(l.city),
    state: text(l.state),
    region: text(l.region),
    country: text(l.country),
    place: placeOf(l) ?? remoteIp ?? 'unknown place',
  };
}

function placeKey(s: Pick<TrailStop, 'city' | 'state' | 'country'>): string {
  return [s.city, s.state, s.country].map((p) => p?.toLowerCase() ?? '').join('|');
}

function trailLines(stops: readonly TrailStop[], hours: number): string[] {
  return stops.map((s) => {
    const what = s.kind === 'signOn' ? `sign-on from ${s.remoteIp ?? 'an unknown address'}` : `${s.place}${s.remoteIp ? ` (${s.remoteIp})` : ''}`;
    const gap = s.sincePreviousMs !== undefined ? ` — ${formatDuration(s.sincePreviousMs)} after the previous${s.moved ? ', moved' : ''}` : '';
    const warn = s.tooFast ? ` — WARNING: the country changed within ${formatDuration(s.countryChangeAfterMs ?? 0)} (faster than ${hours} h)` : '';
    return `${formatUtc(s.atMs)}  ${what}${gap}${warn}`;
  });
}
