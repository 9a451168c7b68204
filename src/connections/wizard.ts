import { AUTH_METHODS, AuthMethod, BACKEND_LABELS, BACKENDS, BackendKind, ConnectionRecord, ConnectionSecrets, INSECURE_WARNING, insecureUrls, newConnectionId, PingOneRegion, validateUrl } from '../model/connection';
import { BACK, PickItem, runSteps, StepInfo, UserInput } from '../ui/input';
import { readAptibleCliToken } from './aptibleCliToken';
import { wizardStepCount } from './wizardSteps';

export { wizardStepCount, type WizardPath } from './wizardSteps';

/** What the wizard produced: a record and its secrets, not yet saved. */
export interface WizardResult {
  record: ConnectionRecord;
  secrets: ConnectionSecrets;
  /** False when the person chose "Save anyway, sign in later" after a failed check (or no checks were given). */
  verified: boolean;
}

/**
 * What the wizard checks as it goes, each returning why it failed (the server's reason) or undefined when it worked.
 * `endpoint` runs right after the addresses (reachability and TLS trust; it may set `record.tls` once the person
 * trusted a certificate); `credentials` right after the last sign-in answer (a real sign-in).
 */
export interface WizardChecks {
  endpoint(record: ConnectionRecord): Promise<string | undefined>;
  credentials(record: ConnectionRecord, secrets: ConnectionSecrets): Promise<string | undefined>;
}

const METHOD_LABELS: Record<AuthMethod, { label: string; detail: string }> = {
  password: { label: 'Username and password', detail: 'Signs in and keeps the password in secret storage to sign in again when the session expires' },
  certificate: { label: 'Client certificate', detail: 'A certificate and key file issued for an OpenZiti identity' },
  token: { label: 'Paste a token', detail: 'An existing session or access token; you sign in again when it expires' },
  cliToken: { label: 'Use the Aptible CLI token', detail: 'The token `aptible login` saved in ~/.aptible/tokens.json, or APTIBLE_ACCESS_TOKEN' },
  clientCredentials: { label: 'Worker app (client credentials)', detail: 'Client id and secret of a PingOne worker application' },
  apiKey: { label: 'API key', detail: 'A Cohesity user API key' },
};

const REGION_ITEMS: PickItem<PingOneRegion>[] = [
  { label: 'North America', description: 'api.pingone.com', value: 'NA' },
  { label: 'Europe', description: 'api.pingone.eu', value: 'EU' },
  { label: 'Asia-Pacific', description: 'api.pingone.asia', value: 'AP' },
  { label: 'Australia', description: 'api.pingone.com.au', value: 'AU' },
  { label: 'Canada', description: 'api.pingone.ca', value: 'CA' },
  { label: 'Singapore', description: 'api.pingone.sg', value: 'SG' },
  { label: 'Custom hosts…', description: 'custom domain, or the sandbox', value: 'custom' },
];

const required = (what: string) => (v: string) => (v.trim() ? undefined : `Enter the ${what}.`);

/** The name the wizard proposes for a connection: the backend and its host (or PingOne region). */
export function defaultLabel(backend: BackendKind, record: Partial<ConnectionRecord>): string {
  const url = record.endpoints?.url ?? record.endpoints?.apiUrl;
  if (url) {
    try {
      return `${BACKEND_LABELS[backend]} ${new URL(url).host}`;
    } catch {
      // fall through
    }
  }
  if (record.endpoints?.region && record.endpoints.region !== 'custom') {
    return `${BACKEND_LABELS[backend]} ${record.endpoints.region}`;
  }
  return BACKEND_LABELS[backend];
}

/**
 * The Add/Edit Connection wizard: backend, addresses (checked: reachable, certificate trusted), name, production,
 * sign-in method, credentials (checked: a real sign-in, the last step). Every step has a Back button (but the first)
 * and validates inline. Returns only once the checks passed or the person chose to save anyway; cancellation throws.
 */
export async function connectionWizard(
  ui: UserInput,
  opts: { backend?: BackendKind; existing?: ConnectionRecord; existingSecrets?: ConnectionSecrets; aptibleTokenFile?: string; env?: NodeJS.ProcessEnv; checks?: WizardChecks } = {},
): Promise<WizardResult> {
  const existing = opts.existing;
  const r: ConnectionRecord = existing
    ? (JSON.parse(JSON.stringify(existing)) as ConnectionRecord)
    : { id: '', backend: opts.backend ?? 'ziti', label: '', endpoints: {}, auth: { method: 'password' }, source: 'user' };
  const s: ConnectionSecrets = { ...(opts.existingSecrets ?? {}) };
  const title = existing ? `Edit ${existing.label}` : 'Add Connection';
  const env = opts.env ?? process.env;

  // Step indices.
  const BACKEND = 0, ENDPOINT = 1, ENDPOINT2 = 2, ENDPOINT3 = 3, METHOD = 4, CRED1 = 5, CRED2 = 6, CRED3 = 7, CRED4 = 8, LABEL = 9, PROD = 10, INSECURE = 11;

  // PingOne custom hosts, or Aptible custom URLs: two more address steps.
  let customHosts = r.backend === 'pingone' ? r.endpoints.region === 'custom' : r.backend === 'aptible' && Boolean(existing) && (r.endpoints.authUrl !== 'https://auth.aptible.com' || r.endpoints.apiUrl !== 'https://api.aptible.com');
  // Checks stop once the person chose to save without a working sign-in.
  let verified = Boolean(opts.checks);

  // An http:// address is accepted only after the person has seen that credentials would travel unencrypted.
  let afterInsecure = LABEL;
  const afterEndpoints = (next: number): number => {
    if (insecureUrls(r).length === 0) {
      return next;
    }
    afterInsecure = next;
    return INSECURE;
  };

  const steps: ((info: StepInfo) => Promise<number | undefined | typeof BACK>)[] = [];
  steps[BACKEND] = async (info) => {
    const v = await ui.pick(info, BACKENDS.map((b) => ({ label: BACKEND_LABELS[b], description: backendHint(b), value: b, picked: b === r.backend })), { placeholder: 'Which kind of backend?' });
    if (v === BACK) {
      return BACK;
    }
    if (v !== r.backend) {
      r.endpoints = {};
      r.auth = { method: AUTH_METHODS[v][0] };
      customHosts = false;
    }
    r.backend = v;
    return ENDPOINT;
  };
  steps[ENDPOINT] = async (info) => {
    switch (r.backend) {
      case 'ziti':
      case 'cohesity': {
        const v = await ui.input(info, {
          prompt: r.backend === 'ziti' ? 'Controller URL (the management path is found from /version)' : 'Cluster address',
          placeholder: r.backend === 'ziti' ? 'https://ctrl.example.com:1280' : 'https://cluster.example.com',
          value: r.endpoints.url,
          validate: (u) => validateUrl(u),
        });
        if (v === BACK) {
          return BACK;
        }
        r.endpoints.url = v.trim().replace(/\/+$/, '');
        return afterEndpoints(LABEL);
      }
      case 'pingone': {
        const v = await ui.pick(info, REGION_ITEMS.map((i) => ({ ...i, picked: i.value === r.endpoints.region })), { placeholder: 'Which PingOne region?' });
        if (v === BACK) {
          return BACK;
        }
        r.endpoints.region = v;
        customHosts = v === 'custom';
        if (v !== 'custom') {
          delete r.endpoints.apiUrl;
          delete r.endpoints.authUrl;
          return LABEL;
        }
        return ENDPOINT2;
      }
      case 'aptible': {
        const v = await ui.pick(
          info,
          [
            { label: 'Aptible', description: 'auth.aptible.com and api.aptible.com', value: 'default' },
            { label: 'Custom URLs…', description: 'another auth/API pair, or the sandbox', value: 'custom' },
          ],
          { placeholder: 'Which Aptible?' },
        );
        if (v === BACK) {
          return BACK;
        }
        customHosts = v === 'custom';
        if (v === 'default') {
          r.endpoints.authUrl = 'https://auth.aptible.com';
          r.endpoints.apiUrl = 'https://api.aptible.com';
          return LABEL;
        }
        return ENDPOINT2;
      }
    }
  };
  steps[ENDPOINT2] = async (info) => {
    const v = await ui.input(info, {
      prompt: r.backend === 'pingone' ? 'PingOne API URL (ends in /v1)' : 'Aptible auth URL',
      placeholder: r.backend === 'pingone' ? 'https://api.example.com/v1' : 'https://auth.aptible.com',
      value: r.backend === 'pingone' ? r.endpoints.apiUrl : r.endpoints.authUrl,
      validate: (u) => validateUrl(u),
    });
    if (v === BACK) {
      return BACK;
    }
    if (r.backend === 'pingone') {
      r.endpoints.apiUrl = v.trim().replace(/\/+$/, '');
    } else {
      r.endpoints.authUrl = v.trim().replace(/\/+$/, '');
    }
    return ENDPOINT3;
  };
  steps[ENDPOINT3] = async (info) => {
    const v = await ui.input(info, {
      prompt: r.backend === 'pingone' ? 'PingOne auth URL (the host that issues tokens)' : 'Aptible API URL',
      placeholder: r.backend === 'pingone' ? 'https://auth.example.com' : 'https://api.aptible.com',
      value: r.backend === 'pingone' ? r.endpoints.authUrl : r.endpoints.apiUrl,
      validate: (u) => validateUrl(u),
    });
    if (v === BACK) {
      return BACK;
    }
    if (r.backend === 'pingone') {
      r.endpoints.authUrl = v.trim().replace(/\/+$/, '');
      return afterEndpoints(LABEL);
    }
    r.endpoints.apiUrl = v.trim().replace(/\/+$/, '');
    return afterEndpoints(LABEL);
  };
  steps[INSECURE] = async (info) => {
    const urls = insecureUrls(r);
    const v = await ui.pick(
      info,
      [
        {
          label: 'Use http:// anyway',
          description: INSECURE_WARNING,
          detail: `Passwords, secrets and session tokens sent to ${urls.join(' and ')} can be read by anyone on the network path. Only for a local test server.`,
          value: 'accept' as const,
        },
        { label: 'Change the address', description: 'go back and enter an https:// URL', value: 'change' as const },
      ],
      { placeholder: `Not encrypted: ${urls.join(', ')} uses http://, so ${INSECURE_WARNING}` },
    );
    if (v === BACK || v === 'change') {
      return BACK;
    }
    return afterInsecure;
  };
  steps[METHOD] = async (info) => {
    const methods = AUTH_METHODS[r.backend];
    const v = await ui.pick(
      info,
      methods.map((m) => ({ label: METHOD_LABELS[m].label, detail: METHOD_LABELS[m].detail, value: m, picked: m === r.auth.method })),
      { placeholder: 'How do you sign in?' },
    );
    if (v === BACK) {
      return BACK;
    }
    if (v !== r.auth.method) {
      r.auth = { method: v };
    }
    return CRED1;
  };
  steps[CRED1] = async (info) => {
    const m = r.auth.method;
    if (r.backend === 'pingone') {
      const v = await ui.input(info, { prompt: 'Environment ID of the worker app (the environment that holds it)', value: r.auth.environmentId, validate: required('environment ID') });
      if (v === BACK) {
        return BACK;
      }
      r.auth.method = 'clientCredentials';
      r.auth.environmentId = v.trim();
      return CRED2;
    }
    if (m === 'password') {
      const v = await ui.input(info, {
        prompt: r.backend === 'aptible' ? 'Email' : 'Username',
        value: r.auth.username,
        validate: required(r.backend === 'aptible' ? 'email' : 'username'),
      });
      if (v === BACK) {
        return BACK;
      }
      r.auth.username = v.trim();
      return CRED2;
    }
    if (m === 'certificate') {
      const v = await ui.input(info, { prompt: 'Path of the client certificate (PEM)', value: r.auth.certificatePath, validate: required('certificate path') });
      if (v === BACK) {
        return BACK;
      }
      r.auth.certificatePath = v.trim();
      return CRED2;
    }
    if (m === 'cliToken') {
      const token = readAptibleCliToken(r.endpoints.authUrl ?? 'https://auth.aptible.com', opts.aptibleTokenFile, env);
      if (!token) {
        // Nothing to import: say so, and go back to the method choice.
        await ui.pick(info, [{ label: 'Choose another sign-in method', detail: 'No token in ~/.aptible/tokens.json for this auth URL, and APTIBLE_ACCESS_TOKEN is not set. Run `aptible login` first.', value: 'back' }]);
        return BACK;
      }
      s.token = token;
      return undefined;
    }
    // token / apiKey
    const v = await ui.input(info, {
      prompt: m === 'apiKey' ? 'API key' : r.backend === 'ziti' ? 'zt-session token' : 'Access token',
      password: true,
      validate: required(m === 'apiKey' ? 'API key' : 'token'),
    });
    if (v === BACK) {
      return BACK;
    }
    if (m === 'apiKey') {
      s.apiKey = v.trim();
    } else {
      s.token = v.trim();
    }
    return undefined;
  };
  steps[CRED2] = async (info) => {
    if (r.backend === 'pingone') {
      const v = await ui.input(info, { prompt: 'Client ID of the worker app', value: r.auth.clientId, validate: required('client ID') });
      if (v === BACK) {
        return BACK;
      }
      r.auth.clientId = v.trim();
      return CRED3;
    }
    if (r.auth.method === 'certificate') {
      const v = await ui.input(info, { prompt: 'Path of the private key (PEM)', value: r.auth.keyPath, validate: required('key path') });
      if (v === BACK) {
        return BACK;
      }
      r.auth.keyPath = v.trim();
      return undefined;
    }
    const v = await ui.input(info, { prompt: `Password for ${r.auth.username ?? ''}`.trim(), password: true, validate: required('password') });
    if (v === BACK) {
      return BACK;
    }
    s.password = v;
    return r.backend === 'cohesity' ? CRED3 : undefined;
  };
  steps[CRED3] = async (info) => {
    if (r.backend === 'pingone') {
      const v = await ui.input(info, { prompt: 'Client secret of the worker app', password: true, validate: required('client secret') });
      if (v === BACK) {
        return BACK;
      }
      s.clientSecret = v;
      return CRED4;
    }
    // Cohesity domain
    const v = await ui.input(info, { prompt: 'Domain (LOCAL for local users, or the Active Directory / LDAP domain)', value: r.auth.domain ?? 'LOCAL', validate: required('domain') });
    if (v === BACK) {
      return BACK;
    }
    r.auth.domain = v.trim();
    return undefined;
  };
  steps[CRED4] = async (info) => {
    const v = await ui.pick(
      info,
      [
        { label: 'Client secret in the Authorization header', description: 'CLIENT_SECRET_BASIC', value: 'basic' as const, picked: r.auth.clientAuth !== 'post' },
        { label: 'Client secret in the request body', description: 'CLIENT_SECRET_POST', value: 'post' as const, picked: r.auth.clientAuth === 'post' },
      ],
      { placeholder: "The worker app's token endpoint authentication method" },
    );
    if (v === BACK) {
      return BACK;
    }
    r.auth.clientAuth = v;
    return undefined;
  };
  steps[LABEL] = async (info) => {
    const v = await ui.input(info, { prompt: 'A name for this connection', value: r.label || defaultLabel(r.backend, r), validate: required('name') });
    if (v === BACK) {
      return BACK;
    }
    r.label = v.trim();
    return PROD;
  };
  steps[PROD] = async (info) => {
    const v = await ui.pick(
      info,
      [
        { label: 'Not production', description: 'modal confirmations', value: false, picked: !r.production },
        { label: 'Production', description: 'stricter confirmations: type the name to revoke', value: true, picked: r.production === true },
      ],
      { placeholder: 'Is this a production system?' },
    );
    if (v === BACK) {
      return BACK;
    }
    r.production = v;
    // The sign-in comes last: once it works, the wizard is done and the connection is saved.
    return r.backend === 'pingone' ? CRED1 : METHOD;
  };

  /**
   * Runs a check when `step` leads past the addresses (endpoint) or past the last sign-in answer (credentials). On
   * failure the person stays on this step, with the server's reason and every answer kept: change the answer (the
   * step asks again), try again, go back, or save anyway and sign in later.
   */
  const checked = (kind: 'endpoint' | 'credentials', step: (info: StepInfo) => Promise<number | undefined | typeof BACK>, leads: (next: number | undefined) => boolean, changeGoesBack = false) => async (info: StepInfo): Promise<number | undefined | typeof BACK> => {
    for (;;) {
      const next = await step(info);
      if (next === BACK || !leads(next) || !verified || !opts.checks) {
        return next;
      }
      for (;;) {
        const problem = kind === 'endpoint' ? await opts.checks.endpoint(r) : await opts.checks.credentials(r, s);
        if (problem === undefined) {
          return next;
        }
        const what = kind === 'endpoint' ? 'address' : 'sign-in';
        const v = await ui.pick(
          info,
          [
            { label: kind === 'endpoint' ? 'Change the address' : 'Change the answer', description: 'your other answers are kept', value: 'change' as const },
            { label: 'Try again', description: `check the ${what} again`, value: 'retry' as const },
            { label: 'Save anyway, sign in later', description: `keep the connection without a working ${what}`, value: 'save' as const },
          ],
          { placeholder: problem },
        );
        if (v === BACK || (v === 'change' && changeGoesBack)) {
          return BACK;
        }
        if (v === 'save') {
          verified = false;
          return next;
        }
        if (v === 'change') {
          break; // ask this step again, its answer prefilled where it is not a secret
        }
      }
    }
  };
  const pastEndpoints = (next: number | undefined): boolean => next === LABEL;
  steps[ENDPOINT] = checked('endpoint', steps[ENDPOINT], pastEndpoints);
  steps[ENDPOINT3] = checked('endpoint', steps[ENDPOINT3], pastEndpoints);
  // The http:// warning asks nothing to change: "Change the address" after a failed check there goes back to the address.
  steps[INSECURE] = checked('endpoint', steps[INSECURE], pastEndpoints, true);
  for (const c of [CRED1, CRED2, CRED3, CRED4]) {
    steps[c] = checked('credentials', steps[c], (next) => next === undefined);
  }

  const askBackend = !(opts.backend || existing);
  const total = (): number => wizardStepCount({ backend: r.backend, method: r.auth.method, customHosts, askBackend });
  // The http:// warning belongs to the address step; the Aptible CLI token step asks nothing when a token is found.
  const counted = (i: number): boolean => i !== INSECURE && !(i === CRED1 && r.auth.method === 'cliToken');
  if (!askBackend) {
    // Skip the backend question: the steps list starts at the endpoint.
    const offset = steps.slice(ENDPOINT);
    await runSteps(
      offset.map((fn) => async (info: StepInfo) => {
        const n = await fn(info);
        return n === BACK || n === undefined ? n : n - ENDPOINT;
      }),
      title,
      total,
      (i) => counted(i + ENDPOINT),
    );
  } else {
    await runSteps(steps, title, total, counted);
  }
  if (!r.id) {
    r.id = newConnectionId(r.backend);
  }
  return { record: r, secrets: s, verified };
}

function backendHint(b: BackendKind): string {
  switch (b) {
    case 'ziti':
      return 'controller: sessions, route paths, enrollments';
    case 'pingone':
      return 'organisation: environments, users, sign-on sessions';
    case 'aptible':
      return 'account: SSH sessions per app and operation';
    case 'cohesity':
      return 'cluster: user sessions per principal';
  }
}
