// Read-only connection presets from the `sessionManager.connections` setting: shared endpoints for a team, never
// secrets. Pure: validates each entry and reports bad ones without dropping the good ones.
import { AUTH_METHODS, AuthMethod, BACKENDS, BackendKind, ConnectionRecord, PingOneRegion, PINGONE_REGION_SUFFIX, validateUrl } from '../model/connection';

export interface PresetResult {
  connections: ConnectionRecord[];
  problems: string[];
}

const SECRET_FIELDS = ['password', 'secret', 'clientSecret', 'client_secret', 'token', 'apiKey', 'apikey', 'jwt', 'sessionId'];
const ALLOWED_FIELDS = new Set(['id', 'backend', 'label', 'url', 'apiUrl', 'authUrl', 'region', 'authMethod', 'username', 'domain', 'environmentId', 'clientId', 'clientAuth', 'production']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export function parsePresets(value: unknown): PresetResult {
  const connections: ConnectionRecord[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) {
    return { connections, problems };
  }
  if (!Array.isArray(value)) {
    return { connections, problems: ['sessionManager.connections must be a list of connections.'] };
  }
  const ids = new Set<string>();
  value.forEach((entry, i) => {
    const where = `sessionManager.connections[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${where}: not an object; ignored.`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const secrets = Object.keys(e).filter((k) => SECRET_FIELDS.includes(k));
    if (secrets.length > 0) {
      problems.push(`${where}: settings must not hold secrets (${secrets.join(', ')}); the entry is ignored. Sign in to enter them into secret storage instead.`);
      return;
    }
    const unknown = Object.keys(e).filter((k) => !ALLOWED_FIELDS.has(k));
    const backend = str(e.backend) as BackendKind | undefined;
    if (!backend || !BACKENDS.includes(backend)) {
      problems.push(`${where}: "backend" must be one of ${BACKENDS.join(', ')}; ignored.`);
      return;
    }
    const label = str(e.label);
    if (!label) {
      problems.push(`${where}: "label" is required; ignored.`);
      return;
    }
    const id = `preset-${str(e.id) ?? `${backend}-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}`;
    if (ids.has(id)) {
      problems.push(`${where}: duplicate id ${id}; ignored.`);
      return;
    }
    const method = (str(e.authMethod) ?? AUTH_METHODS[backend][0]) as AuthMethod;
    if (!AUTH_METHODS[backend].includes(method)) {
      problems.push(`${where}: "authMethod" for ${backend} must be one of ${AUTH_METHODS[backend].join(', ')}; ignored.`);
      return;
    }
    const record: ConnectionRecord = {
      id,
      backend,
      label,
      source: 'preset',
      production: e.production === true,
      endpoints: {},
      auth: { method, username: str(e.username), domain: str(e.domain), environmentId: str(e.environmentId), clientId: str(e.clientId) },
    };
    if (e.clientAuth !== undefined) {
      if (e.clientAuth !== 'basic' && e.clientAuth !== 'post') {
        problems.push(`${where}: "clientAuth" must be "basic" or "post"; ignored.`);
        return;
      }
      record.auth.clientAuth = e.clientAuth;
    }
    const urlProblem = (key: 'url' | 'apiUrl' | 'authUrl'): string | undefined => {
      const v = str(e[key]);
      if (v === undefined) {
        return undefined;
      }
      const p = validateUrl(v);
      if (p) {
        return `${where}: "${key}": ${p}`;
      }
      record.endpoints[key] = v.replace(/\/+$/, '');
      return undefined;
    };
    const urlProblems = (['url', 'apiUrl', 'authUrl'] as const).map(urlProblem).filter((p): p is string => Boolean(p));
    if (urlProblems.length > 0) {
      problems.push(...urlProblems.map((p) => `${p}; ignored.`));
      return;
    }
    if (backend === 'ziti' || backend === 'cohesity') {
      if (!record.endpoints.url) {
        problems.push(`${where}: "url" is required for ${backend}; ignored.`);
        return;
      }
    }
    if (backend === 'pingone') {
      const region = str(e.region) as PingOneRegion | undefined;
      if (region && region !== 'custom' && !Object.keys(PINGONE_REGION_SUFFIX).includes(region)) {
        problems.push(`${where}: "region" must be one of ${Object.keys(PINGONE_REGION_SUFFIX).join(', ')} or custom; ignored.`);
        return;
      }
      record.endpoints.region = region ?? (record.endpoints.apiUrl ? 'custom' : 'NA');
      if (record.endpoints.region === 'custom' && (!record.endpoints.apiUrl || !record.endpoints.authUrl)) {
        problems.push(`${where}: a custom PingOne region needs both "apiUrl" and "authUrl"; ignored.`);
        return;
      }
    }
    if (unknown.length > 0) {
      problems.push(`${where}: unknown field(s) ${unknown.join(', ')} were ignored.`);
    }
    ids.add(id);
    connections.push(record);
  });
  return { connections, problems };
}
