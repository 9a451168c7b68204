// Seeded OpenZiti data: identities, services, routers, CAs, API sessions, sessions (with route paths), enrollments.
// Same seed + sizes + epoch → same data.
import { FIRST_NAMES, Rng } from '../rng';
import type { Sizes } from '../types';

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'ziti-sandbox-admin';
export const MFA_USERNAME = 'mfa-admin';
export const MFA_PASSWORD = 'ziti-sandbox-mfa';
/** The TOTP code the sandbox accepts for MFA users (any time). */
export const MFA_CODE = '123456';
/** A service name that is hostile HTML, for the extension's escaping tests; used by ~1% of sessions. */
export const HOSTILE_SERVICE_NAME = '<img src=x onerror=alert(1)>';

export type IdentityTypeId = 'User' | 'Device' | 'Service' | 'Router' | 'Default';

export interface Identity {
  id: string;
  name: string;
  typeId: IdentityTypeId;
  isAdmin: boolean;
  isDefaultAdmin: boolean;
  isMfaEnabled: boolean;
  disabled: boolean;
  roleAttributes: string[];
  createdAt: number;
  updatedAt: number;
  hasEdgeRouterConnection: boolean;
  externalId: string | null;
  envInfo: Record<string, string>;
  sdkInfo: Record<string, string>;
  certAuthenticator?: { id: string; fingerprint: string };
  updbAuthenticator?: { id: string; username: string; password: string };
}

export interface Service {
  id: string;
  name: string;
  createdAt: number;
}

export interface Router {
  id: string;
  name: string;
  /** false = a fabric-only (transit) router: /routers/{id} works, /edge-routers/{id} is 404. */
  isEdge: boolean;
  isOnline: boolean;
  hostname: string;
  fingerprint: string;
  createdAt: number;
  roleAttributes: string[];
}

export interface Ca {
  id: string;
  name: string;
  fingerprint: string;
  isVerified: boolean;
  isOttCaEnrollmentEnabled: boolean;
  isAutoCaEnrollmentEnabled: boolean;
  isAuthEnabled: boolean;
  identityRoles: string[];
  identityNameFormat: string;
  verificationToken: string;
  createdAt: number;
}

export interface ServicePolicy {
  id: string;
  name: string;
  type: 'Dial' | 'Bind';
  serviceId: string;
  identityRole: string;
  createdAt: number;
}

export interface ApiSession {
  id: string;
  token: string;
  identityId: string;
  authenticatorId: string;
  ipAddress: string;
  configTypes: string[];
  isMfaRequired: boolean;
  isMfaComplete: boolean;
  createdAt: number;
  updatedAt: number;
  lastActivityAt: number;
  /** Created through POST /authenticate in this run (subject to the inactivity timeout). Seeded ones are kept alive by their edge-router connections. */
  interactive: boolean;
}

export interface Session {
  id: string;
  token: string;
  type: 'Dial' | 'Bind';
  apiSessionId: string;
  identityId: string;
  serviceId: string;
  edgeRouterIds: string[];
  servicePolicyIds: string[];
  /** Router ids of the first live circuit (ingress edge router first); [] when none. */
  routePath: string[];
  createdAt: number;
  updatedAt: number;
}

export interface Enrollment {
  id: string;
  method: string;
  token: string;
  expiresAt: number;
  identityId?: string;
  edgeRouterId?: string;
  caId?: string;
  username?: string;
  createdAt: number;
  updatedAt: number;
}

export interface ZitiData {
  epoch: number;
  identities: Map<string, Identity>;
  services: Map<string, Service>;
  routers: Map<string, Router>;
  cas: Map<string, Ca>;
  servicePolicies: Map<string, ServicePolicy>;
  apiSessions: Map<string, ApiSession>;
  sessions: Map<string, Session>;
  enrollments: Map<string, Enrollment>;
}

const DEVICES = ['laptop', 'desktop', 'phone', 'tablet', 'workstation', 'macbook'];
const WORKLOADS = ['build-agent', 'k8s-node', 'batch-runner', 'api-gateway', 'edge-tunnel', 'db-replica', 'ci-runner', 'log-shipper'];
const SERVICES = [
  'web-svc', 'postgres-prod', 'ssh-bastion', 'grafana', 'redis-cache', 'k8s-api', 'jenkins', 'vault',
  's3-proxy', 'smtp-relay', 'ldap', 'kafka-broker', 'elastic-search', 'rdp-jumpbox', 'payments-api', 'mqtt',
];
const ROUTER_REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-1', 'ap-south-1', 'ap-southeast-2', 'sa-east-1', 'ca-central-1'];
const ROLE_ATTRS = ['sales', 'engineering', 'ops', 'finance', 'contractors', 'iot', 'ci'];

const DAY = 24 * 3600 * 1000;

function uniqueShortId(rng: Rng, used: Set<string>, len = 9): string {
  for (;;) {
    const id = rng.shortId(len);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

function fingerprint(rng: Rng): string {
  return rng.hex(40);
}

/** Generates the seeded data. `epoch` anchors every timestamp (ms since epoch; round it for stable output). */
export function generate(seed: number, sizes: Sizes, epoch: number): ZitiData {
  const root = new Rng(seed).fork('ziti');
  const used = new Set<string>();
  const identities = new Map<string, Identity>();
  const services = new Map<string, Service>();
  const routers = new Map<string, Router>();
  const cas = new Map<string, Ca>();
  const servicePolicies = new Map<string, ServicePolicy>();
  const apiSessions = new Map<string, ApiSession>();
  const sessions = new Map<string, Session>();
  const enrollments = new Map<string, Enrollment>();

  // Routers: edge routers, two of them offline, plus one fabric-only transit router.
  const rr = root.fork('routers');
  const routerCount = Math.max(3, sizes.zitiRouters);
  for (let i = 0; i < routerCount; i++) {
    const isEdge = i !== routerCount - 1;
    const region = ROUTER_REGIONS[i % ROUTER_REGIONS.length] + (i >= ROUTER_REGIONS.length ? `-${Math.floor(i / ROUTER_REGIONS.length) + 1}` : '');
    const name = isEdge ? `er-${region}` : 'fabric-transit-01';
    const r: Router = {
      id: uniqueShortId(rr, used),
      name,
      isEdge,
      isOnline: isEdge ? !(i === 2 || i === routerCount - 2) : true,
      hostname: `${name}.ziti.sandbox.local`,
      fingerprint: fingerprint(rr),
      createdAt: epoch - rr.int(30, 400) * DAY,
      roleAttributes: isEdge ? [rr.pick(['public', 'private', 'dc'])] : [],
    };
    routers.set(r.id, r);
  }
  const edgeRouters = [...routers.values()].filter((r) => r.isEdge);
  const onlineEdge = edgeRouters.filter((r) => r.isOnline);
  const transit = [...routers.values()].filter((r) => r.isOnline);

  // Services (+ a dial and a bind policy each). One hostile name.
  const rs = root.fork('services');
  const serviceCount = Math.max(2, sizes.zitiServices);
  for (let i = 0; i < serviceCount; i++) {
    const name = i === serviceCount - 1 ? HOSTILE_SERVICE_NAME : SERVICES[i % SERVICES.length] + (i >= SERVICES.length ? `-${Math.floor(i / SERVICES.length) + 1}` : '');
    const s: Service = { id: uniqueShortId(rs, used), name, createdAt: epoch - rs.int(20, 300) * DAY };
    services.set(s.id, s);
    for (const kind of ['dial', 'bind']) {
      const p: ServicePolicy = {
        id: uniqueShortId(rs, used),
        name: `${kind}-${i === serviceCount - 1 ? 'hostile-svc' : name}`,
        type: kind === 'dial' ? 'Dial' : 'Bind',
        serviceId: s.id,
        identityRole: rs.pick(ROLE_ATTRS),
        createdAt: s.createdAt,
      };
      servicePolicies.set(p.id, p);
    }
  }
  const serviceList = [...services.values()];
  const hostile = serviceList[serviceList.length - 1];
  const normalServices = serviceList.slice(0, -1);
  const policyList = [...servicePolicies.values()];

  // CAs: some accept ottca enrollments, some do not.
  const rc = root.fork('cas');
  const caDefs = [
    { name: 'corp-issuing-ca', ott: true, auto: false },
    { name: 'partner-ca', ott: false, auto: true },
    { name: 'iot-device-ca', ott: true, auto: true },
    { name: 'legacy-vpn-ca', ott: false, auto: false },
  ];
  for (const d of caDefs) {
    const ca: Ca = {
      id: uniqueShortId(rc, used),
      name: d.name,
      fingerprint: fingerprint(rc),
      isVerified: d.name !== 'legacy-vpn-ca',
      isOttCaEnrollmentEnabled: d.ott,
      isAutoCaEnrollmentEnabled: d.auto,
      isAuthEnabled: true,
      identityRoles: d.auto ? ['iot'] : [],
      identityNameFormat: '[caName]-[commonName]',
      verificationToken: rc.uuid(),
      createdAt: epoch - rc.int(100, 700) * DAY,
    };
    cas.set(ca.id, ca);
  }

  // Identities: Default Admin, mfa-admin, then people's devices and workloads.
  const ri = root.fork('identities');
  const names = new Set<string>();
  const mkIdentity = (name: string, typeId: IdentityTypeId, extra: Partial<Identity> = {}): Identity => {
    const createdAt = epoch - ri.int(2, 200) * DAY - ri.int(0, DAY);
    const os = ri.pick(['linux', 'windows', 'darwin', 'android', 'ios']);
    const id: Identity = {
      id: uniqueShortId(ri, used),
      name,
      typeId,
      isAdmin: false,
      isDefaultAdmin: false,
      isMfaEnabled: false,
      disabled: false,
      roleAttributes: [ri.pick(ROLE_ATTRS)],
      createdAt,
      updatedAt: createdAt + ri.int(0, DAY),
      hasEdgeRouterConnection: false,
      externalId: null,
      envInfo: { arch: ri.pick(['amd64', 'arm64']), os, osRelease: '', osVersion: ri.pick(['14.5', '11', '6.8.0', '17.5']), hostname: name, domain: '' },
      sdkInfo: { appId: ri.pick(['ziti-edge-tunnel', 'ziti-desktop-edge', 'ziti-mobile-edge', 'ziti-sdk-golang']), appVersion: `v${ri.int(0, 1)}.${ri.int(20, 28)}.${ri.int(0, 9)}`, branch: 'main', revision: ri.hex(12), type: ri.pick(['ziti-sdk-c', 'ziti-sdk-golang']), version: `v1.${ri.int(0, 5)}.${ri.int(0, 9)}` },
      certAuthenticator: { id: uniqueShortId(ri, used), fingerprint: fingerprint(ri) },
      ...extra,
    };
    names.add(name);
    identities.set(id.id, id);
    return id;
  };
  const admin = mkIdentity('Default Admin', 'User', {
    isAdmin: true,
    isDefaultAdmin: true,
    roleAttributes: [],
    certAuthenticator: undefined,
    updbAuthenticator: { id: uniqueShortId(ri, used), username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
  });
  mkIdentity('mfa-admin', 'User', {
    isAdmin: true,
    isMfaEnabled: true,
    roleAttributes: ['ops'],
    certAuthenticator: undefined,
    updbAuthenticator: { id: uniqueShortId(ri, used), username: MFA_USERNAME, password: MFA_PASSWORD },
  });
  const identityCount = Math.max(4, sizes.zitiIdentities);
  let n = 0;
  while (identities.size < identityCount) {
    n++;
    let name: string;
    let typeId: IdentityTypeId;
    if (ri.chance(0.65)) {
      name = `${ri.pick(FIRST_NAMES).toLowerCase()}-${ri.pick(DEVICES)}`;
      typeId = 'Device';
    } else {
      name = `${ri.pick(WORKLOADS)}-${String(ri.int(1, 40)).padStart(2, '0')}`;
      typeId = 'Service';
    }
    if (names.has(name)) {
      name = `${name}-${n}`;
    }
    mkIdentity(name, typeId, { isMfaEnabled: typeId === 'Device' && ri.chance(0.2), disabled: ri.chance(0.04) });
  }
  const clients = [...identities.values()].filter((i) => !i.isAdmin);

  // API sessions of clients (plus an old one of the admin, from a previous console login).
  const ra = root.fork('api-sessions');
  const apiCount = Math.max(2, sizes.zitiApiSessions);
  const apiList: ApiSession[] = [];
  for (let i = 0; i < apiCount; i++) {
    const ident = i === 0 ? admin : clients[(i - 1) % clients.length];
    const createdAt = epoch - ra.int(1, 6 * 24 * 60) * 60 * 1000;
    const last = Math.min(epoch - 1000, createdAt + ra.int(0, 6 * 3600) * 1000);
    ident.hasEdgeRouterConnection = ident.hasEdgeRouterConnection || i > 0;
    const a: ApiSession = {
      id: 'c' + ra.shortId(24).toLowerCase(),
      token: ra.uuid(),
      identityId: ident.id,
      authenticatorId: ident.certAuthenticator?.id ?? ident.updbAuthenticator!.id,
      ipAddress: ra.ipv4(),
      configTypes: i === 0 ? [] : ['f2dd2df0-9c04-4b84-a91e-71437ac229f1'],
      isMfaRequired: ident.isMfaEnabled,
      isMfaComplete: ident.isMfaEnabled,
      createdAt,
      updatedAt: last,
      lastActivityAt: last,
      interactive: false,
    };
    apiSessions.set(a.id, a);
    if (i > 0) {
      apiList.push(a);
    }
  }

  // Sessions: spread over the clients' API sessions; some Bind, mostly Dial; ~70% of Dial sessions have a circuit.
  const rses = root.fork('sessions');
  const count = Math.max(0, sizes.zitiSessions);
  const hostileEvery = Math.max(50, Math.floor(count / 3));
  for (let i = 0; i < count; i++) {
    const a = apiList[rses.int(0, apiList.length - 1)];
    const isHostile = i % hostileEvery === 7;
    const service = isHostile ? hostile : normalServices[rses.int(0, normalServices.length - 1)];
    const type: 'Dial' | 'Bind' = rses.chance(0.22) ? 'Bind' : 'Dial';
    const createdAt = Math.min(epoch - 1000, a.createdAt + rses.int(0, Math.max(1, epoch - a.createdAt)));
    const erCount = rses.int(1, Math.min(3, edgeRouters.length));
    const ers: string[] = [];
    for (let k = 0; k < erCount; k++) {
      const r = edgeRouters[rses.int(0, edgeRouters.length - 1)];
      if (!ers.includes(r.id)) {
        ers.push(r.id);
      }
    }
    let routePath: string[] = [];
    if (type === 'Dial' && rses.chance(0.7) && onlineEdge.length > 0) {
      const ingress = ers.map((id) => routers.get(id)!).find((r) => r.isOnline) ?? onlineEdge[rses.int(0, onlineEdge.length - 1)];
      const len = rses.int(1, 4);
      routePath = [ingress.id];
      for (let k = 1; k < len - 1; k++) {
        const t = transit[rses.int(0, transit.length - 1)];
        if (!routePath.includes(t.id)) {
          routePath.push(t.id);
        }
      }
      if (len > 1) {
        const egress = onlineEdge[rses.int(0, onlineEdge.length - 1)];
        if (!routePath.includes(egress.id)) {
          routePath.push(egress.id);
        }
      }
    }
    const svcIndex = serviceList.indexOf(service);
    const s: Session = {
      id: 'c' + rses.shortId(24).toLowerCase(),
      token: rses.uuid(),
      type,
      apiSessionId: a.id,
      identityId: a.identityId,
      serviceId: service.id,
      edgeRouterIds: ers,
      servicePolicyIds: [policyList[svcIndex * 2 + (type === 'Dial' ? 0 : 1)].id],
      routePath,
      createdAt,
      updatedAt: createdAt,
    };
    sessions.set(s.id, s);
  }

  // Enrollments: identities waiting to enroll (ott, ottca, updb), a few router enrollments (erott), some expired.
  const re = root.fork('enrollments');
  const enrollCount = Math.max(0, sizes.zitiEnrollments);
  const ottCas = [...cas.values()].filter((c) => c.isOttCaEnrollmentEnabled);
  const taken = new Set<string>();
  const routerEnrollments = Math.min(3, Math.max(0, Math.floor(enrollCount / 4)), edgeRouters.length);
  for (let i = 0; i < enrollCount; i++) {
    const createdAt = epoch - re.int(1, 72) * 3600 * 1000;
    const expired = re.chance(0.2);
    const expiresAt = expired ? epoch - re.int(1, 48) * 3600 * 1000 : epoch + re.int(2, 72) * 3600 * 1000;
    const e: Enrollment = { id: re.uuid(), method: 'ott', token: re.uuid(), expiresAt, createdAt, updatedAt: createdAt };
    if (i < routerEnrollments) {
      const r = edgeRouters.filter((x) => !x.isOnline)[i] ?? edgeRouters[i];
      e.method = 'erott';
      e.edgeRouterId = r.id;
      e.expiresAt = epoch + re.int(1, 24) * 3600 * 1000;
    } else {
      const ident = clients[re.int(0, clients.length - 1)];
      const method = re.pick(['ott', 'ott', 'ottca', 'updb']);
      if (taken.has(`${ident.id}/${method}`)) {
        continue;
      }
      taken.add(`${ident.id}/${method}`);
      e.method = method;
      e.identityId = ident.id;
      if (method === 'ottca') {
        e.caId = ottCas[re.int(0, ottCas.length - 1)].id;
      } else if (method === 'updb') {
        e.username = ident.name.split('-')[0];
      }
      if (method === 'ott') {
        // Not enrolled yet: no certificate authenticator.
        ident.certAuthenticator = undefined;
      }
    }
    enrollments.set(e.id, e);
  }

  return { epoch, identities, services, routers, cas, servicePolicies, apiSessions, sessions, enrollments };
}
