// Seeded PingOne data: environments, worker applications, users and (lazily) their sign-on sessions.
// Test infrastructure only.

import { BROWSERS, CITIES, DEVICE_TYPES, FIRST_NAMES, LAST_NAMES, OPERATING_SYSTEMS, Rng } from '../rng';
import type { Sizes } from '../types';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Idle timeout of the emulated sign-on policy: a session expires this long after its last activity. */
export const SESSION_IDLE_TIMEOUT_MS = 8 * HOUR;
/** PingOne keeps at most this many sessions per user (newest first); the oldest is dropped. */
export const MAX_SESSIONS_PER_USER = 10;

export type TokenAuthMethod = 'CLIENT_SECRET_BASIC' | 'CLIENT_SECRET_POST';

export interface P1Environment {
  id: string;
  name: string;
  description: string;
  type: 'PRODUCTION' | 'SANDBOX';
  region: 'NA' | 'EU' | 'AP' | 'AU' | 'CA' | 'SG';
  status: 'ACTIVE';
  licenseId: string;
  organizationId: string;
  createdAt: string;
  updatedAt: string;
  populationIds: string[];
}

export interface P1WorkerApp {
  id: string;
  name: string;
  environmentId: string;
  secret: string;
  tokenEndpointAuthMethod: TokenAuthMethod;
  /** Environments this app holds roles in; `'all'` for every environment. */
  rights: 'all' | Set<string>;
}

export interface P1User {
  id: string;
  environmentId: string;
  populationId: string;
  username: string;
  email: string;
  given: string;
  family: string;
  enabled: boolean;
  mfaEnabled: boolean;
  emailVerified: boolean;
  locked: boolean;
  lifecycle: 'ACCOUNT_OK' | 'VERIFICATION_REQUIRED';
  idpType: 'PING_ONE' | 'SAML' | 'OPENID_CONNECT';
  externalId?: string;
  lastSignOn?: { at: number; remoteIp: string };
  createdAt: number;
  updatedAt: number;
  /** Its newest session moves from one country to another within 35 minutes (for the trail's warning). */
  traveller?: boolean;
}

export interface P1Location {
  at: number;
  remoteIp: string;
  city: string;
  state: string;
  country: string;
}

export interface P1Session {
  id: string;
  environmentId: string;
  userId: string;
  createdAt: number;
  activeAt: number;
  lastSignOn: { at: number; remoteIp: string };
  locations: P1Location[];
  browser: { name: string; version: string };
  operatingSystem: { name: string; version: string };
  device: { type: string };
}

export interface P1Data {
  t0: number;
  adminEnvId: string;
  environments: P1Environment[];
  apps: P1WorkerApp[];
  /** users per environment id, in a stable (creation) order; made on first `get` */
  users: LazyUsers;
  /** the users made so far, by id (an environment's users are made by `users.get(envId)`) */
  usersById: Map<string, P1User>;
  /** how many users each environment has (known without making them) */
  userCounts: Map<string, number>;
}

const ENV_TEMPLATES: ReadonlyArray<Pick<P1Environment, 'name' | 'description' | 'type' | 'region'>> = [
  { name: 'Administrators', description: 'Administrators environment: worker applications and admin identities', type: 'PRODUCTION', region: 'NA' },
  { name: 'Customers Prod', description: 'Customer identities (CIAM)', type: 'PRODUCTION', region: 'NA' },
  { name: 'Workforce EU', description: 'Employees in Europe', type: 'PRODUCTION', region: 'EU' },
  { name: 'Staging', description: 'Pre-production copy of Customers Prod', type: 'SANDBOX', region: 'NA' },
  { name: 'Partners AU', description: 'Partner portal identities', type: 'PRODUCTION', region: 'AU' },
  { name: 'Canada Retail', description: 'Retail customers in Canada', type: 'PRODUCTION', region: 'CA' },
  { name: 'Singapore Ops', description: 'Operations staff in APAC', type: 'PRODUCTION', region: 'SG' },
  { name: 'Dev Sandbox', description: 'Developer playground', type: 'SANDBOX', region: 'EU' },
];

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
export { iso };

/**
 * How many users each environment gets: the first customer environment gets `sizes.pingoneUsers`; the third
 * ("Workforce EU") gets `sizes.pingoneLargeEnvironmentUsers` (5,000 by default) unless it is the last environment
 * (the one the basic worker app may not see).
 */
export function usersPerEnvironment(sizes: Sizes, envCount: number): number[] {
  const n = Math.max(0, sizes.pingoneUsers);
  const large = Math.max(0, sizes.pingoneLargeEnvironmentUsers ?? 0);
  const out: number[] = [];
  for (let i = 0; i < envCount; i++) {
    if (i === 0) {
      out.push(Math.min(6, Math.max(2, Math.ceil(n / 10))));
    } else if (i === 1) {
      out.push(n);
    } else if (i === 2 && i < envCount - 1 && large > 0) {
      out.push(large);
    } else {
      out.push(Math.max(3, Math.ceil(n / (i + 1))));
    }
  }
  return out;
}

export function generate(seed: number, sizes: Sizes, t0: number): P1Data {
  const root = new Rng(seed).fork('pingone');
  const envRng = root.fork('environments');
  const envCount = Math.max(2, sizes.pingoneEnvironments);
  const organizationId = envRng.uuid();
  const environments: P1Environment[] = [];
  for (let i = 0; i < envCount; i++) {
    const tpl = ENV_TEMPLATES[i % ENV_TEMPLATES.length];
    const suffix = i >= ENV_TEMPLATES.length ? ` ${Math.floor(i / ENV_TEMPLATES.length) + 1}` : '';
    const created = t0 - envRng.int(200, 1400) * DAY;
    environments.push({
      id: envRng.uuid(),
      name: tpl.name + suffix,
      description: tpl.description,
      type: tpl.type,
      region: tpl.region,
      status: 'ACTIVE',
      licenseId: envRng.uuid(),
      organizationId,
      createdAt: iso(created),
      updatedAt: iso(created + envRng.int(1, 150) * DAY),
      populationIds: [envRng.uuid(), envRng.uuid()],
    });
  }
  const adminEnvId = environments[0].id;
  const restrictedEnvId = environments[environments.length - 1].id;

  const appRng = root.fork('apps');
  const apps: P1WorkerApp[] = [
    {
      id: appRng.uuid(),
      name: 'Session Manager (basic)',
      environmentId: adminEnvId,
      secret: `sandbox-basic-${appRng.hex(32)}`,
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      rights: new Set(environments.filter((e) => e.id !== restrictedEnvId).map((e) => e.id)),
    },
    {
      id: appRng.uuid(),
      name: 'Session Manager (post)',
      environmentId: adminEnvId,
      secret: `sandbox-post-${appRng.hex(32)}`,
      tokenEndpointAuthMethod: 'CLIENT_SECRET_POST',
      rights: 'all',
    },
    {
      id: appRng.uuid(),
      name: 'Worker without roles',
      environmentId: adminEnvId,
      secret: `sandbox-noroles-${appRng.hex(32)}`,
      tokenEndpointAuthMethod: 'CLIENT_SECRET_BASIC',
      rights: new Set(),
    },
  ];

  const counts = usersPerEnvironment(sizes, envCount);
  const userCounts = new Map(environments.map((e, i) => [e.id, counts[i]] as const));
  const usersById = new Map<string, P1User>();
  // Users are generated per environment on first use, each environment from a generator of its own: the same data
  // whatever is read first, and a start-up that stays fast with the 5,000-user environment.
  const users = new LazyUsers((envId) => {
    const ei = environments.findIndex((e) => e.id === envId);
    if (ei < 0) {
      return undefined;
    }
    const list = generateUsers(root.fork(`users:${ei}`), environments[ei], ei, counts[ei], t0);
    for (const u of list) {
      usersById.set(u.id, u);
    }
    return list;
  });
  return { t0, adminEnvId, environments, apps, users, usersById, userCounts };
}

/** A map of environment id → users whose lists are made on first `get`. */
export class LazyUsers extends Map<string, P1User[]> {
  constructor(private readonly make: (envId: string) => P1User[] | undefined) {
    super();
  }

  override get(envId: string): P1User[] | undefined {
    let list = super.get(envId);
    if (list === undefined) {
      list = this.make(envId);
      if (list !== undefined) {
        super.set(envId, list);
      }
    }
    return list;
  }

  override has(envId: string): boolean {
    return this.get(envId) !== undefined;
  }
}

function generateUsers(r: Rng, env: P1Environment, ei: number, count: number, t0: number): P1User[] {
  const list: P1User[] = [];
  const domain = env.type === 'SANDBOX' ? 'staging.example.com' : ei === 0 ? 'admin.example.com' : 'example.com';
  for (let i = 0; i < count; i++) {
    const given = r.pick(FIRST_NAMES);
    const family = r.pick(LAST_NAMES);
    const username = `${ascii(given)}.${ascii(family)}${i + 1}`;
    const createdAt = t0 - r.int(30, 900) * DAY - r.int(0, DAY - 1);
    const signedIn = r.chance(0.85);
    const lastAt = signedIn ? t0 - Math.floor(r.next() * 20 * DAY) : undefined;
    const idp = r.next();
    list.push({
      id: r.uuid(),
      environmentId: env.id,
      populationId: env.populationIds[r.chance(0.8) ? 0 : 1],
      username,
      email: `${username}@${domain}`,
      given,
      family,
      enabled: r.chance(0.95),
      mfaEnabled: r.chance(0.6),
      emailVerified: r.chance(0.9),
      locked: r.chance(0.03),
      lifecycle: r.chance(0.93) ? 'ACCOUNT_OK' : 'VERIFICATION_REQUIRED',
      idpType: idp < 0.8 ? 'PING_ONE' : idp < 0.92 ? 'SAML' : 'OPENID_CONNECT',
      externalId: r.chance(0.3) ? `ext-${r.hex(10)}` : undefined,
      lastSignOn: lastAt !== undefined ? { at: lastAt, remoteIp: r.ipv4() } : undefined,
      createdAt,
      updatedAt: Math.max(createdAt, lastAt ?? createdAt),
      // The first user of every environment travels: its newest session changes country within 35 minutes.
      traveller: i === 0 ? true : undefined,
    });
  }
  return list;
}

/**
 * A user's sessions, generated on first use from a generator forked by user id (so start-up stays fast for 5,000
 * users and the result does not depend on the order users are visited in). Newest first, at most 10, expired ones
 * included, like PingOne.
 */
export function generateSessions(seed: number, user: P1User, t0: number): P1Session[] {
  const r = new Rng(seed).fork('pingone').fork(`sessions:${user.id}`);
  const roll = r.next();
  // About a quarter of users have no session; a few have more than the cap (the oldest are then dropped).
  const n = roll < 0.25 ? 0 : roll < 0.9 ? r.int(1, 4) : r.int(8, 13);
  const out: P1Session[] = [];
  for (let i = 0; i < n; i++) {
    const recent = r.chance(0.45);
    const activeAt = recent ? t0 - r.int(1, Math.floor(SESSION_IDLE_TIMEOUT_MS * 0.9)) : t0 - r.int(9 * HOUR, 14 * DAY);
    const createdAt = activeAt - r.int(10_000, 6 * HOUR);
    const home = r.pick(CITIES);
    const ip = r.ipv4();
    const locCount = r.int(1, 5);
    const locations: P1Location[] = [];
    for (let k = 0; k < locCount; k++) {
      // newest location first; the last one is the sign-on location
      const at = k === 0 ? activeAt : activeAt - Math.floor(((activeAt - createdAt) * k) / locCount);
      const travel = k > 0 && r.chance(0.2);
      const c = travel ? r.pick(CITIES) : home;
      locations.push({ at, remoteIp: travel ? r.ipv4() : ip, city: c.city, state: c.state, country: c.country });
    }
    const browser = r.pick(BROWSERS);
    const os = r.pick(OPERATING_SYSTEMS);
    const device = os.name === 'iOS' || os.name === 'Android' ? (r.chance(0.7) ? 'Mobile' : 'Tablet') : DEVICE_TYPES[0];
    out.push({
      id: r.uuid(),
      environmentId: user.environmentId,
      userId: user.id,
      createdAt,
      activeAt,
      lastSignOn: { at: createdAt + r.int(500, 4000), remoteIp: ip },
      locations,
      browser: { ...browser },
      operatingSystem: { ...os },
      device: { type: device },
    });
  }
  out.sort((a, b) => b.createdAt - a.createdAt);
  const kept = out.slice(0, MAX_SESSIONS_PER_USER);
  if (user.traveller) {
    kept.splice(MAX_SESSIONS_PER_USER - 1);
    kept.unshift(travellingSession(r, user, t0));
  }
  return kept;
}

/**
 * A session that signs on at home, then shows up in another country 35 minutes later (faster than anyone travels),
 * and is still in use now: the trail's warning case.
 */
function travellingSession(r: Rng, user: P1User, t0: number): P1Session {
  const home = CITIES[r.int(0, 2)];
  const away = CITIES[r.int(3, CITIES.length - 1)];
  const homeIp = r.ipv4();
  const awayIp = r.ipv4();
  const createdAt = t0 - 3 * HOUR - r.int(0, 10 * 60_000);
  const signOn = createdAt + 2_000;
  const moved = createdAt + HOUR + 35 * 60_000;
  const activeAt = t0 - r.int(60_000, 15 * 60_000);
  const at = (ms: number, c: (typeof CITIES)[number], ip: string): P1Location => ({ at: ms, remoteIp: ip, city: c.city, state: c.state, country: c.country });
  return {
    id: r.uuid(),
    environmentId: user.environmentId,
    userId: user.id,
    createdAt,
    activeAt,
    lastSignOn: { at: signOn, remoteIp: homeIp },
    // newest first, like the generated ones
    locations: [at(activeAt, away, awayIp), at(moved, away, awayIp), at(createdAt + HOUR, home, homeIp), at(signOn, home, homeIp)],
    browser: { name: 'Chrome', version: '125.0' },
    operatingSystem: { name: 'Windows', version: '11' },
    device: { type: 'Desktop' },
  };
}
