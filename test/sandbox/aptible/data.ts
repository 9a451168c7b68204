// Seeded Aptible data: accounts (environments), apps, execute operations and the ephemeral (SSH) sessions they
// created, beside each app's other operations (deploys, restarts, configures, scales: they start no session). Integer
// ids, like the Deploy API. Test infrastructure only.

import { FIRST_NAMES, LAST_NAMES, Rng } from '../rng';
import type { Sizes } from '../types';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export interface AptUser {
  id: string;
  email: string;
  name: string;
  password: string;
  mfa: boolean;
}

export interface AptAccount {
  id: number;
  handle: string;
  type: 'production' | 'development';
  number: string;
  stackId: number;
  organizationId: string;
  createdAt: number;
  updatedAt: number;
  syslogHost: string;
  syslogPort: number;
  bastionHost: string;
  sshPortalPort: number;
}

export interface AptApp {
  id: number;
  accountId: number;
  handle: string;
  createdAt: number;
  updatedAt: number;
  services: Array<{ id: number; process_type: string; command: string; container_count: number; memory: number }>;
  lastDeployOperationId: number;
}

export interface AptOperation {
  id: number;
  /** `execute` is what `aptible ssh` creates (it starts an ephemeral session); the others start none. */
  type: 'execute' | 'deploy' | 'restart' | 'configure' | 'scale';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  /** Someone asked to cancel it (`PATCH /operations/{id}`); a finished one that was cancelled ends 'failed'. */
  cancelled: boolean;
  aborted: boolean;
  appId: number;
  accountId: number;
  command: string | null;
  interactive: boolean | null;
  userName: string;
  userEmail: string;
  userId: string;
  createdAt: number;
  updatedAt: number;
  gitRef: string | null;
}

export interface AptSession {
  id: number;
  name: string;
  host: string;
  awsInstanceId: string;
  appId: number;
  operationId: number;
  createdAt: number;
  updatedAt: number;
}

export interface AptData {
  users: AptUser[];
  accounts: AptAccount[];
  apps: AptApp[];
  operations: Map<number, AptOperation>;
  sessions: AptSession[];
}

const ACCOUNT_HANDLES = ['acme-prod', 'acme-staging', 'acme-shared', 'acme-data', 'acme-sandbox', 'acme-eu-prod'];
const APP_HANDLES = ['api-web', 'worker', 'billing', 'admin-portal', 'scheduler', 'search', 'notifications', 'reports', 'webhooks', 'auth-proxy'];
const COMMANDS = ['/bin/bash', '/bin/bash', '/bin/bash', 'bundle exec rails console', 'python manage.py shell', 'node', 'psql $DATABASE_URL', 'bundle exec rake db:migrate:status'];

export const SANDBOX_USERS: ReadonlyArray<AptUser> = [
  { id: '', email: 'deploy@aptible.sandbox', name: 'Dana Deploy', password: 'sandbox-password', mfa: false },
  { id: '', email: 'mfa@aptible.sandbox', name: 'Morgan Factor', password: 'sandbox-password', mfa: true },
];
export const SANDBOX_OTP = '123456';

export function generate(seed: number, sizes: Sizes, t0: number): AptData {
  const root = new Rng(seed).fork('aptible');
  const ur = root.fork('users');
  const users = SANDBOX_USERS.map((u) => ({ ...u, id: ur.uuid() }));
  // People who open ssh sessions (besides the two sandbox logins).
  const team: Array<{ name: string; email: string; id: string }> = users.map((u) => ({ name: u.name, email: u.email, id: u.id }));
  for (let i = 0; i < 5; i++) {
    const g = ur.pick(FIRST_NAMES);
    const f = ur.pick(LAST_NAMES);
    const ascii = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    team.push({ name: `${g} ${f}`, email: `${ascii(g)}.${ascii(f)}@acme.example`, id: ur.uuid() });
  }

  const ar = root.fork('accounts');
  const accounts: AptAccount[] = [];
  const nAcc = Math.max(1, sizes.aptibleAccounts);
  for (let i = 0; i < nAcc; i++) {
    const created = t0 - ar.int(300, 1500) * DAY;
    const id = 1200 + i * 7 + ar.int(0, 6);
    accounts.push({
      id,
      handle: ACCOUNT_HANDLES[i % ACCOUNT_HANDLES.length] + (i >= ACCOUNT_HANDLES.length ? `-${Math.floor(i / ACCOUNT_HANDLES.length) + 1}` : ''),
      type: i % 3 === 1 ? 'development' : 'production',
      number: String(id),
      stackId: 5 + (i % 2),
      organizationId: ar.uuid(),
      createdAt: created,
      updatedAt: created + ar.int(10, 250) * DAY,
      syslogHost: `syslog-${ar.hex(6)}.aptible.in`,
      syslogPort: ar.int(20000, 29999),
      bastionHost: `bastion-layer-${ar.hex(4)}.aptible.in`,
      sshPortalPort: 1022,
    });
  }

  const pr = root.fork('apps');
  const operations = new Map<number, AptOperation>();
  let opId = 7_770_000;
  const apps: AptApp[] = [];
  const nApps = Math.max(1, sizes.aptibleApps);
  for (let i = 0; i < nApps; i++) {
    // the first app lives in the first account; the others are spread
    const acc = i === 0 ? accounts[0] : accounts[pr.int(0, accounts.length - 1)];
    const created = Math.max(acc.createdAt + DAY, t0 - pr.int(60, 700) * DAY);
    const id = 40 + i * 3 + pr.int(0, 2);
    const deployAt = t0 - pr.int(1, 40) * DAY - pr.int(0, DAY - 1);
    const deployer = pr.pick(team);
    const deploy: AptOperation = {
      id: ++opId,
      type: 'deploy',
      status: pr.chance(0.9) ? 'succeeded' : 'failed',
      cancelled: false,
      aborted: false,
      appId: id,
      accountId: acc.id,
      command: null,
      interactive: null,
      userName: deployer.name,
      userEmail: deployer.email,
      userId: deployer.id,
      createdAt: deployAt,
      updatedAt: deployAt + pr.int(60_000, 600_000),
      gitRef: pr.hex(40),
    };
    operations.set(deploy.id, deploy);
    const handle = APP_HANDLES[i % APP_HANDLES.length] + (i >= APP_HANDLES.length ? `-${Math.floor(i / APP_HANDLES.length) + 1}` : '');
    const services = [{ id: 9000 + i * 10, process_type: 'web', command: 'bundle exec puma -C config/puma.rb', container_count: pr.int(1, 4), memory: 1024 }];
    if (pr.chance(0.5)) {
      services.push({ id: 9000 + i * 10 + 1, process_type: 'worker', command: 'bundle exec sidekiq', container_count: pr.int(1, 3), memory: 2048 });
    }
    apps.push({ id, accountId: acc.id, handle, createdAt: created, updatedAt: deployAt, services, lastDeployOperationId: deploy.id });
  }

  // Ephemeral sessions: the first app gets a little over half of them (so it pages with per_page 20), the others
  // share the rest.
  const sr = root.fork('sessions');
  const sessions: AptSession[] = [];
  const n = Math.max(0, sizes.aptibleSessions);
  const firstShare = Math.min(n, Math.ceil(n * 0.55));
  for (let i = 0; i < n; i++) {
    const app = i < firstShare || apps.length === 1 ? apps[0] : apps[1 + sr.int(0, apps.length - 2)];
    const person = sr.pick(team);
    const live = sr.chance(0.3);
    const created = live ? t0 - sr.int(60_000, 3 * HOUR) : t0 - sr.int(3 * HOUR, 30 * DAY);
    const ended = live ? created + sr.int(5_000, 60_000) : created + sr.int(60_000, 2 * HOUR);
    const failed = !live && sr.chance(0.1);
    const op: AptOperation = {
      id: ++opId,
      type: 'execute',
      status: live ? 'running' : failed ? 'failed' : 'succeeded',
      cancelled: false,
      aborted: false,
      appId: app.id,
      accountId: app.accountId,
      command: sr.pick(COMMANDS),
      interactive: true,
      userName: person.name,
      userEmail: person.email,
      userId: person.id,
      createdAt: created,
      updatedAt: ended,
      gitRef: null,
    };
    operations.set(op.id, op);
    const ip = `10.${sr.int(10, 20)}.${sr.int(0, 255)}.${sr.int(1, 254)}`;
    sessions.push({
      id: 0,
      name: `ssh-${app.handle}-${op.id}`,
      host: `ip-${ip.replace(/\./g, '-')}.ec2.internal`,
      awsInstanceId: `i-0${sr.hex(16)}`,
      appId: app.id,
      operationId: op.id,
      createdAt: created + sr.int(2_000, 15_000),
      updatedAt: ended,
    });
  }
  // ids grow with time, like database ids
  sessions.sort((a, b) => a.createdAt - b.createdAt);
  let next = 90_000;
  for (const s of sessions) {
    next += sr.int(1, 40);
    s.id = next;
  }
  // Some finished sessions were cancelled (`aptible operation:cancel`): their operation ended 'failed' with
  // cancelled set. Its own fork, so the data above stays what it was for every seed.
  const cr = root.fork('cancelled');
  for (const s of sessions) {
    const op = operations.get(s.operationId)!;
    if (op.status !== 'running' && cr.chance(0.2)) {
      op.status = 'failed';
      op.cancelled = true;
    }
  }
  // Each app's other operations over the last 30 days, between its SSH ones (GET /apps/{id}/operations lists every
  // type). Their own fork and ids after all others, so the data above stays what it was for every seed.
  const xr = root.fork('otherOperations');
  const OTHER_TYPES = ['restart', 'configure', 'scale', 'deploy'] as const;
  for (const app of apps) {
    const count = xr.int(3, 6);
    for (let i = 0; i < count; i++) {
      const who = xr.pick(team);
      const type = xr.pick(OTHER_TYPES);
      const at = t0 - xr.int(10 * 60_000, 30 * DAY);
      const op: AptOperation = {
        id: ++opId,
        type,
        status: xr.chance(0.9) ? 'succeeded' : 'failed',
        cancelled: false,
        aborted: false,
        appId: app.id,
        accountId: app.accountId,
        command: null,
        interactive: null,
        userName: who.name,
        userEmail: who.email,
        userId: who.id,
        createdAt: at,
        updatedAt: at + xr.int(30_000, 600_000),
        gitRef: type === 'deploy' ? xr.hex(40) : null,
      };
      operations.set(op.id, op);
    }
  }
  return { users, accounts, apps, operations, sessions };
}
