// Deterministic pseudo-random data for the sandbox: the same seed gives the same data.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }
  /** mulberry32: uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A derived generator, so adding data in one place does not shift another. */
  fork(label: string): Rng {
    let h = this.s;
    for (let i = 0; i < label.length; i++) {
      h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
    }
    return new Rng(h);
  }
  hex(len: number): string {
    let out = '';
    while (out.length < len) {
      out += Math.floor(this.next() * 16).toString(16);
    }
    return out;
  }
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  /** OpenZiti-style short id, e.g. `Zk3X9a1Qe`. */
  shortId(len = 9): string {
    const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < len; i++) {
      out += a[Math.floor(this.next() * a.length)];
    }
    return out;
  }
  ipv4(): string {
    return `${this.pick([203, 198, 192, 100, 81, 62])}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }
}

export const FIRST_NAMES = ['Alice', 'Bob', 'Carmen', 'Deepak', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Maya', 'Nikolai', 'Olga', 'Priya', 'Quentin', 'Rosa', 'Samir', 'Tara', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe'];
export const LAST_NAMES = ['Nguyen', 'Smith', 'Garcia', 'Okafor', 'Müller', 'Rossi', 'Kowalski', 'Tanaka', 'Silva', 'Haddad', 'Johansson', 'Patel', 'Dubois', 'Kim', 'Novak', 'Adeyemi', 'Larsen', 'Moreau'];
export const CITIES: ReadonlyArray<{ city: string; state: string; country: string }> = [
  { city: 'tacoma', state: 'washington', country: 'united states' },
  { city: 'austin', state: 'texas', country: 'united states' },
  { city: 'toronto', state: 'ontario', country: 'canada' },
  { city: 'london', state: 'england', country: 'united kingdom' },
  { city: 'berlin', state: 'berlin', country: 'germany' },
  { city: 'lyon', state: 'auvergne-rhone-alpes', country: 'france' },
  { city: 'singapore', state: 'singapore', country: 'singapore' },
  { city: 'sydney', state: 'new south wales', country: 'australia' },
  { city: 'bangalore', state: 'karnataka', country: 'india' },
  { city: 'são paulo', state: 'são paulo', country: 'brazil' },
];
export const BROWSERS = [
  { name: 'Chrome', version: '125.0' },
  { name: 'Firefox', version: '127.0' },
  { name: 'Safari', version: '17.5' },
  { name: 'Edge', version: '125.0' },
];
export const OPERATING_SYSTEMS = [
  { name: 'macOS', version: '14.5' },
  { name: 'Windows', version: '11' },
  { name: 'Linux', version: '' },
  { name: 'iOS', version: '17.5' },
  { name: 'Android', version: '14' },
];
export const DEVICE_TYPES = ['Desktop', 'Mobile', 'Tablet'];
