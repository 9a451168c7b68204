import * as vscode from 'vscode';
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

// Functions, not module constants: the words are looked up in the person's language when the wizard runs.
function methodLabel(m: AuthMethod): { label: string; detail: string } {
  switch (m) {
    case 'password':
      return { label: vscode.l10n.t('Username and password'), detail: vscode.l10n.t('Signs in and keeps the password in secret storage to sign in again when the session expires') };
    case 'certificate':
      return { label: vscode.l10n.t('Client certificate'), detail: vscode.l10n.t('A certificate and key file issued for an OpenZiti identity') };
    case 'token':
      return { label: vscode.l10n.t('Paste a token'), detail: vscode.l10n.t('An existing session or access token; you sign in again when it expires') };
    case 'cliToken':
      return { label: vscode.l10n.t('Use the Aptible CLI token'), detail: vscode.l10n.t('The token `aptible login` saved in ~/.aptible/tokens.json, or APTIBLE_ACCESS_TOKEN') };
    case 'clientCredentials':
      return { label: vscode.l10n.t('Worker app (client credentials)'), detail: vscode.l10n.t('Client id and secret of a PingOne worker application') };
    case 'apiKey':
      return { label: vscode.l10n.t('API key'), detail: vscode.l10n.t('A Cohesity user API key') };
  }
}

function regionItems(): PickItem<PingOneRegion>[] {
  return [
    { label: vscode.l10n.t('North America'), description: 'api.pingone.com', value: 'NA' },
    { label: vscode.l10n.t('Europe'), description: 'api.pingone.eu', value: 'EU' },
    { label: vscode.l10n.t('Asia-Pacific'), description: 'api.pingone.asia', value: 'AP' },
    { label: vscode.l10n.t('Australia'), description: 'api.pingone.com.au', value: 'AU' },
    { label: vscode.l10n.t('Canada'), description: 'api.pingone.ca', value: 'CA' },
    { label: vscode.l10n.t('Singapore'), description: 'api.pingone.sg', value: 'SG' },
    { label: vscode.l10n.t('Custom hosts…'), description: vscode.l10n.t('custom domain, or the sandbox'), value: 'custom' },
  ];
}

/** A validator that asks for a value with `message` (a whole sentence, as the person reads it). */
const required = (message: string) => (v: string) => (v.trim() ? undefined : message);

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
  const title = existing ? vscode.l10n.t('Edit {0}', existing.label) : vscode.l10n.t('Add Connection');
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
    const v = await ui.pick(info, BACKENDS.map((b) => ({ label: BACKEND_LABELS[b], description: backendHint(b), value: b, picked: b === r.backend })), { placeholder: vscode.l10n.t('Which kind of backend?') });
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
          prompt: r.backend === 'ziti' ? vscode.l10n.t('Controller URL (the management path is found from /version)') : vscode.l10n.t('Cluster address'),
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
        const v = await ui.pick(info, regionItems().map((i) => ({ ...i, picked: i.value === r.endpoints.region })), { placeholder: vscode.l10n.t('Which PingOne region?') });
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
            { label: vscode.l10n.t('Aptible'), description: vscode.l10n.t('{0} and {1}', 'auth.aptible.com', 'api.aptible.com'), value: 'default' },
            { label: vscode.l10n.t('Custom URLs…'), description: vscode.l10n.t('another auth/API pair, or the sandbox'), value: 'custom' },
          ],
          { placeholder: vscode.l10n.t('Which Aptible?') },
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
      prompt: r.backend === 'pingone' ? vscode.l10n.t('PingOne API URL (ends in /v1)') : vscode.l10n.t('Aptible auth URL'),
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
      prompt: r.backend === 'pingone' ? vscode.l10n.t('PingOne auth URL (the host that issues tokens)') : vscode.l10n.t('Aptible API URL'),
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
          label: vscode.l10n.t('Use http:// anyway'),
          description: INSECURE_WARNING,
          detail:
            urls.length === 1
              ? vscode.l10n.t('Passwords, secrets and session tokens sent to {0} can be read by anyone on the network path. Only for a local test server.', urls[0])
              : vscode.l10n.t('Passwords, secrets and session tokens sent to {0} and {1} can be read by anyone on the network path. Only for a local test server.', urls.slice(0, -1).join(', '), urls[urls.length - 1]),
          value: 'accept' as const,
        },
        { label: vscode.l10n.t('Change the address'), description: vscode.l10n.t('go back and enter an https:// URL'), value: 'change' as const },
      ],
      { placeholder: vscode.l10n.t('Not encrypted: {0} uses http://, so {1}', urls.join(', '), INSECURE_WARNING) },
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
      methods.map((m) => ({ ...methodLabel(m), value: m, picked: m === r.auth.method })),
      { placeholder: vscode.l10n.t('How do you sign in?') },
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
      const v = await ui.input(info, {
        prompt: vscode.l10n.t('Environment ID of the worker app (the environment that holds it)'),
        value: r.auth.environmentId,
        validate: required(vscode.l10n.t('Enter the environment ID.')),
      });
      if (v === BACK) {
        return BACK;
      }
      r.auth.method = 'clientCredentials';
      r.auth.environmentId = v.trim();
      return CRED2;
    }
    if (m === 'password') {
      const v = await ui.input(info, {
        prompt: r.backend === 'aptible' ? vscode.l10n.t('Email') : vscode.l10n.t('Username'),
        value: r.auth.username,
        validate: required(r.backend === 'aptible' ? vscode.l10n.t('Enter the email.') : vscode.l10n.t('Enter the username.')),
      });
      if (v === BACK) {
        return BACK;
      }
      r.auth.username = v.trim();
      return CRED2;
    }
    if (m === 'certificate') {
      const v = await ui.input(info, {
        prompt: vscode.l10n.t('Path of the client certificate (PEM)'),
        value: r.auth.certificatePath,
        validate: required(vscode.l10n.t('Enter the certificate path.')),
      });
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
        await ui.pick(info, [
          {
            label: vscode.l10n.t('Choose another sign-in method'),
            detail: vscode.l10n.t('No token in ~/.aptible/tokens.json for this auth URL, and APTIBLE_ACCESS_TOKEN is not set. Run `aptible login` first.'),
            value: 'back',
          },
        ]);
        return BACK;
      }
      s.token = token;
      return undefined;
    }
    // token / apiKey
    const v = await ui.input(info, {
      prompt: m === 'apiKey' ? vscode.l10n.t('API key') : r.backend === 'ziti' ? vscode.l10n.t('zt-session token') : vscode.l10n.t('Access token'),
      password: true,
      validate: required(m === 'apiKey' ? vscode.l10n.t('Enter the API key.') : vscode.l10n.t('Enter the token.')),
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
      const v = await ui.input(info, { prompt: vscode.l10n.t('Client ID of the worker app'), value: r.auth.clientId, validate: required(vscode.l10n.t('Enter the client ID.')) });
      if (v === BACK) {
        return BACK;
      }
      r.auth.clientId = v.trim();
      return CRED3;
    }
    if (r.auth.method === 'certificate') {
      const v = await ui.input(info, { prompt: vscode.l10n.t('Path of the private key (PEM)'), value: r.auth.keyPath, validate: required(vscode.l10n.t('Enter the key path.')) });
      if (v === BACK) {
        return BACK;
      }
      r.auth.keyPath = v.trim();
      return undefined;
    }
    const v = await ui.input(info, {
      prompt: r.auth.username ? vscode.l10n.t('Password for {0}', r.auth.username) : vscode.l10n.t('Password'),
      password: true,
      validate: required(vscode.l10n.t('Enter the password.')),
    });
    if (v === BACK) {
      return BACK;
    }
    s.password = v;
    return r.backend === 'cohesity' ? CRED3 : undefined;
  };
  steps[CRED3] = async (info) => {
    if (r.backend === 'pingone') {
      const v = await ui.input(info, { prompt: vscode.l10n.t('Client secret of the worker app'), password: true, validate: required(vscode.l10n.t('Enter the client secret.')) });
      if (v === BACK) {
        return BACK;
      }
      s.clientSecret = v;
      return CRED4;
    }
    // Cohesity domain
    const v = await ui.input(info, {
      prompt: vscode.l10n.t('Domain (LOCAL for local users, or the Active Directory / LDAP domain)'),
      value: r.auth.domain ?? 'LOCAL',
      validate: required(vscode.l10n.t('Enter the domain.')),
    });
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
        { label: vscode.l10n.t('Client secret in the Authorization header'), description: 'CLIENT_SECRET_BASIC', value: 'basic' as const, picked: r.auth.clientAuth !== 'post' },
        { label: vscode.l10n.t('Client secret in the request body'), description: 'CLIENT_SECRET_POST', value: 'post' as const, picked: r.auth.clientAuth === 'post' },
      ],
      { placeholder: vscode.l10n.t("The worker app's token endpoint authentication method") },
    );
    if (v === BACK) {
      return BACK;
    }
    r.auth.clientAuth = v;
    return undefined;
  };
  steps[LABEL] = async (info) => {
    const v = await ui.input(info, { prompt: vscode.l10n.t('A name for this connection'), value: r.label || defaultLabel(r.backend, r), validate: required(vscode.l10n.t('Enter the name.')) });
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
        { label: vscode.l10n.t('Not production'), description: vscode.l10n.t('modal confirmations'), value: false, picked: !r.production },
        { label: vscode.l10n.t('Production'), description: vscode.l10n.t('stricter confirmations: type the name to revoke'), value: true, picked: r.production === true },
      ],
      { placeholder: vscode.l10n.t('Is this a production system?') },
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
        const endpoint = kind === 'endpoint';
        const v = await ui.pick(
          info,
          [
            { label: endpoint ? vscode.l10n.t('Change the address') : vscode.l10n.t('Change the answer'), description: vscode.l10n.t('your other answers are kept'), value: 'change' as const },
            { label: vscode.l10n.t('Try again'), description: endpoint ? vscode.l10n.t('check the address again') : vscode.l10n.t('check the sign-in again'), value: 'retry' as const },
            {
              label: vscode.l10n.t('Save anyway, sign in later'),
              description: endpoint ? vscode.l10n.t('keep the connection without a working address') : vscode.l10n.t('keep the connection without a working sign-in'),
              value: 'save' as const,
            },
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
      return vscode.l10n.t('controller: sessions, route paths, enrollments');
    case 'pingone':
      return vscode.l10n.t('organisation: environments, users, sign-on sessions');
    case 'aptible':
      return vscode.l10n.t('account: SSH sessions per app and operation');
    case 'cohesity':
      return vscode.l10n.t('cluster: user sessions per principal');
  }
}
