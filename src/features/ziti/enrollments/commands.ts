// The enrollment commands: create (identity search → method → CA or username → expiry; a 409 offers refresh or
// delete), refresh, delete, and handing out the JWT (copy, save as `<identity>.jwt`, QR code). Every question goes
// through deps.ui(). The JWT is registered with the logger as a secret and never logged, shown or returned.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import type { ConnectionRecord } from '../../../model/connection';
import { UserCancelled } from '../../../ui/input';
import { ApiError } from '../../../http/errors';
import { BACK, PickItem, runSteps, StepInfo } from '../../../ui/input';
import { EnrollmentRootNode, enrollmentGroupBy, enrollmentRootId, EnrollmentNode, EnrollmentsView, GROUP_BY_SETTING } from './view';
import { ZitiClient } from '../../../backends/ziti/client';
import {
  canRefresh,
  deleteConsequence,
  EXPIRY_PRESETS,
  expiryText,
  EnrollmentGroupBy,
  IdentityMethod,
  isInside,
  jwtFileName,
  jwtSaveFolder,
  methodLabel,
  parseExpiry,
  subjectId,
  subjectKind,
  subjectName,
  SubjectKind,
  validateExpiry,
  ZitiEnrollment,
} from '../../../backends/ziti/enrollments/model';
import { createEnrollment, deleteEnrollment, findOutstanding, getEnrollment, IdentitySummary, listCas, listEnrollments, listIdentityEnrollments, refreshEnrollment, searchIdentities } from '../../../backends/ziti/enrollments/requests';
import { QrPanels, QrTarget } from './qrPanel';

/**
 * Writes a secret file readable by its owner only: 0600 also when it replaces an existing file (the `mode` of
 * writeFile applies only to a file it creates), set before the secret is written.
 */
export async function writeSecretFile(file: string, text: string): Promise<void> {
  const handle = await fs.promises.open(file, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

export interface EnrollmentRef {
  connectionId: string;
  enrollmentId: string;
}

function cancelled(): never {
  throw new UserCancelled();
}

function isRecordLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** What an enrollment enrolls, as a word in the person's language. */
function kindText(kind: SubjectKind): string {
  switch (kind) {
    case 'identity':
      return vscode.l10n.t('identity');
    case 'edge router':
      return vscode.l10n.t('edge router');
    case 'transit router':
      return vscode.l10n.t('transit router');
    case 'unknown':
      return vscode.l10n.t('unknown');
  }
}

/** A destructive change to an enrollment that a production controller makes the person type the name for. */
type ProductionAction = 'refresh' | 'delete' | 'recreate';

export class EnrollmentCommands {
  constructor(
    private readonly deps: ExtensionDeps,
    private readonly view: EnrollmentsView,
    private readonly qr: QrPanels,
  ) {}

  // ------------------------------------------------------------------------------------------------------------
  // Resolving arguments

  private zitiConnections(): ConnectionRecord[] {
    return this.deps.manager.store.list().filter((c) => c.backend === 'ziti');
  }

  /** A connection from a root node, an id, `{connectionId}`, or a picker. */
  async connectionFrom(arg: unknown, title: string): Promise<ConnectionRecord> {
    const id =
      arg instanceof EnrollmentRootNode ? arg.connectionId : typeof arg === 'string' ? arg : isRecordLike(arg) && typeof arg.connectionId === 'string' ? arg.connectionId : undefined;
    if (id) {
      const r = this.deps.manager.store.get(id);
      if (!r || r.backend !== 'ziti') {
        throw new Error(vscode.l10n.t('That OpenZiti connection no longer exists.'));
      }
      return r;
    }
    const list = this.zitiConnections();
    if (list.length === 0) {
      throw new Error(vscode.l10n.t('There is no OpenZiti connection. Add one with "Session Manager: Add Connection…".'));
    }
    if (list.length === 1) {
      return list[0];
    }
    const v = await this.deps.ui().pick(
      { title, step: 1, totalSteps: 1, canGoBack: false },
      list.map((c) => ({ label: c.label, description: c.endpoints.url, value: c })),
      { placeholder: vscode.l10n.t('Pick an OpenZiti controller') },
    );
    return typeof v === 'symbol' ? cancelled() : v;
  }

  async client(record: ConnectionRecord): Promise<ZitiClient> {
    const c = await this.deps.manager.signedInClient(record.id);
    if (!(c instanceof ZitiClient)) {
      throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', record.label));
    }
    return c;
  }

  /** The enrollment a command is about: a tree node, `{connectionId, enrollmentId}`, or a picker. */
  private async target(arg: unknown, title: string): Promise<{ record: ConnectionRecord; client: ZitiClient; enrollment: ZitiEnrollment; chosenHere: boolean }> {
    let record: ConnectionRecord;
    let enrollmentId: string | undefined;
    /** Whether the person chose it here (a tree node of ours, or our picker) rather than a caller naming it. */
    let chosenHere = arg instanceof EnrollmentNode;
    if (arg instanceof EnrollmentNode) {
      record = arg.record;
      enrollmentId = arg.enrollmentId;
    } else if (isRecordLike(arg) && typeof arg.connectionId === 'string' && typeof arg.enrollmentId === 'string') {
      record = await this.connectionFrom(arg.connectionId, title);
      enrollmentId = arg.enrollmentId;
    } else {
      record = await this.connectionFrom(arg, title);
    }
    const client = await this.client(record);
    if (!enrollmentId) {
      const page = await listEnrollments(client, 0, 500);
      if (page.items.length === 0) {
        throw new Error(vscode.l10n.t('{0} has no outstanding enrollments.', record.label));
      }
      const now = Date.now();
      const v = await this.deps.ui().pick(
        { title, step: 1, totalSteps: 1, canGoBack: false },
        page.items.map((e) => ({ label: subjectName(e), description: `${e.method} · ${expiryText(e.expiresAt, now)}`, detail: e.id, value: e.id })),
        { placeholder: vscode.l10n.t('Pick an enrollment') },
      );
      enrollmentId = typeof v === 'symbol' ? cancelled() : v;
      chosenHere = true;
    }
    // Always the current record: after a refresh the JWT in a tree node is stale.
    const enrollment = await getEnrollment(client, enrollmentId);
    this.deps.log.addSecret(enrollment.jwt);
    this.deps.log.addSecret(enrollment.token);
    return { record, client, enrollment, chosenHere };
  }

  /**
   * On a production controller the person types the enrollment's subject name before a destructive change (refresh,
   * delete, delete and recreate), as for every other destructive action there. Throws when it does not match.
   */
  private async confirmProduction(record: ConnectionRecord, e: ZitiEnrollment, action: ProductionAction): Promise<void> {
    if (!record.production) {
      return;
    }
    const name = subjectName(e);
    const kind = kindText(subjectKind(e));
    const prompt =
      action === 'refresh'
        ? vscode.l10n.t('{0} is a production controller. Type {1} to refresh the {2} enrollment of {3} {1}.', record.label, name, e.method, kind)
        : action === 'delete'
          ? vscode.l10n.t('{0} is a production controller. Type {1} to delete the {2} enrollment of {3} {1}.', record.label, name, e.method, kind)
          : vscode.l10n.t('{0} is a production controller. Type {1} to delete and recreate the {2} enrollment of {3} {1}.', record.label, name, e.method, kind);
    const typed = await this.deps.ui().typeToConfirm(prompt, name);
    if (!typed) {
      throw new Error(vscode.l10n.t('The name did not match; the enrollment of {0} was not changed.', name));
    }
  }

  /** Reads the connection's enrollments again, then redraws its root: the header and the rows come from one read. */
  private async refreshView(connectionId: string): Promise<void> {
    if (!(await this.view.reload(connectionId))) {
      this.view.forget(connectionId);
    }
    const p = this.deps.views.providers.enrollments;
    if (!p.refreshById(enrollmentRootId(connectionId))) {
      p.refresh();
    }
  }

  private qrTarget(record: ConnectionRecord, e: ZitiEnrollment): QrTarget {
    return { connectionId: record.id, connectionLabel: record.label, enrollmentId: e.id, subject: subjectName(e), method: e.method, expiry: expiryText(e.expiresAt, Date.now()) };
  }

  private requireJwt(e: ZitiEnrollment): string {
    if (!e.jwt) {
      throw new Error(vscode.l10n.t('The controller sent no JWT for the {0} enrollment of {1}.', e.method, subjectName(e)));
    }
    return e.jwt;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Expiry

  /** Asks for an expiry: 1 h, 24 h, 7 d or a custom date that must lie in the future. Returns an RFC 3339 time. */
  private async askExpiry(info: StepInfo, customInfo: StepInfo = info): Promise<string | typeof BACK> {
    const items: PickItem<number | 'custom'>[] = [
      ...EXPIRY_PRESETS.map((p) => ({ label: p.label, description: new Date(Date.now() + p.ms).toLocaleString(), value: p.ms })),
      { label: vscode.l10n.t('Custom date…'), description: vscode.l10n.t('YYYY-MM-DD or YYYY-MM-DD HH:mm (local time)'), value: 'custom' as const },
    ];
    for (;;) {
      const choice = await this.deps.ui().pick(info, items, { placeholder: vscode.l10n.t('When should the enrollment expire?') });
      if (choice === BACK) {
        return BACK;
      }
      if (choice !== 'custom') {
        return new Date(Date.now() + choice).toISOString();
      }
      const typed = await this.deps.ui().input(customInfo, {
        prompt: vscode.l10n.t('Expiry date (must lie in the future)'),
        placeholder: vscode.l10n.t('YYYY-MM-DD HH:mm'),
        validate: (v) => validateExpiry(v, Date.now()),
      });
      if (typed === BACK) {
        continue;
      }
      const t = parseExpiry(typed);
      if (t === undefined || validateExpiry(typed, Date.now())) {
        continue;
      }
      return new Date(t).toISOString();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Handing out the JWT

  /** After create or refresh: Copy, Save or Show QR Code (or nothing). */
  private async offerHandout(record: ConnectionRecord, e: ZitiEnrollment, withQr: boolean): Promise<void> {
    const items: PickItem<'copy' | 'save' | 'qr' | 'done'>[] = [
      { label: vscode.l10n.t('Copy JWT'), description: vscode.l10n.t('to the clipboard'), value: 'copy' },
      { label: vscode.l10n.t('Save JWT…'), description: jwtFileName(subjectName(e)), value: 'save' },
      ...(withQr ? [{ label: vscode.l10n.t('Show QR Code'), description: vscode.l10n.t('for a mobile tunneler'), value: 'qr' as const }] : []),
      { label: vscode.l10n.t('Done'), description: vscode.l10n.t('hand it out later from the Enrollments view'), value: 'done' },
    ];
    const v = await this.deps.ui().pick(
      { title: vscode.l10n.t('Enrollment for {0} is ready ({1})', subjectName(e), expiryText(e.expiresAt, Date.now())), step: 1, totalSteps: 1, canGoBack: false },
      items,
      { placeholder: vscode.l10n.t('The enrollment JWT is a secret: hand it to its owner only') },
    );
    if (v === 'copy') {
      await this.copyJwt(e);
    } else if (v === 'save') {
      await this.saveJwt(e);
    } else if (v === 'qr') {
      this.qr.show(this.qrTarget(record, e), this.requireJwt(e));
    }
  }

  private async copyJwt(e: ZitiEnrollment): Promise<void> {
    await vscode.env.clipboard.writeText(this.requireJwt(e));
    void this.deps.ui().notify(
      'info',
      vscode.l10n.t('Copied the {0} enrollment JWT for {1} ({2}). It is a secret.', e.method, subjectName(e), expiryText(e.expiresAt, Date.now())),
    );
  }

  private async saveJwt(e: ZitiEnrollment): Promise<string | undefined> {
    const jwt = this.requireJwt(e);
    const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    // Not a workspace folder: a secret file there invites a commit.
    const folder = jwtSaveFolder([path.join(os.homedir(), 'Downloads'), os.homedir(), os.tmpdir()], workspaceFolders, (p) => fs.existsSync(p));
    const name = jwtFileName(subjectName(e));
    const file = await this.deps.ui().saveFile(vscode.l10n.t('Save Enrollment JWT'), folder ? path.join(folder, name) : name, { [vscode.l10n.t('Enrollment JWT')]: ['jwt'] });
    if (!file) {
      return undefined;
    }
    await writeSecretFile(file, jwt);
    const inWorkspace = workspaceFolders.find((w) => isInside(file, w));
    this.deps.log.info(`Saved the ${e.method} enrollment JWT for ${subjectName(e)} to ${file}`);
    void this.deps.ui().notify(
      'info',
      inWorkspace
        ? vscode.l10n.t(
            'Saved the enrollment JWT for {0} to {1} (readable by you only). It is a secret, and it is inside the workspace folder {2}: do not commit it.',
            subjectName(e),
            file,
            inWorkspace,
          )
        : vscode.l10n.t('Saved the enrollment JWT for {0} to {1} (readable by you only). It is a secret.', subjectName(e), file),
    );
    return file;
  }

  /**
   * Copies the JWT of an enrollment. From our own tree and menus (an Enrollments node) or after the person picked it,
   * at once; when a caller names it with arguments (another extension, a keybinding), only after a modal consent:
   * a bearer secret never reaches the clipboard because someone else asked.
   */
  async copy(arg: unknown): Promise<boolean> {
    const { record, enrollment, chosenHere } = await this.target(arg, vscode.l10n.t('Copy Enrollment JWT'));
    if (!chosenHere) {
      const name = subjectName(enrollment);
      const copyButton = vscode.l10n.t('Copy JWT');
      const answer = await this.deps.ui().confirm(
        vscode.l10n.t('Copy the {0} enrollment JWT of {1} on {2} to the clipboard?', enrollment.method, name, record.label),
        vscode.l10n.t(
          'A command asked for it, not a click in Session Manager. The JWT is a secret: whoever has it can enroll as {0} (the enrollment {1}). Copy it only if you asked for this.',
          name,
          expiryText(enrollment.expiresAt, Date.now()),
        ),
        [copyButton],
      );
      if (answer !== copyButton) {
        return cancelled();
      }
    }
    await this.copyJwt(enrollment);
    return true;
  }

  /** The QR panel's own Copy button (our webview, validated message): no second question. */
  async copyFromPanel(ref: EnrollmentRef): Promise<boolean> {
    const record = await this.connectionFrom(ref.connectionId, vscode.l10n.t('Copy Enrollment JWT'));
    const enrollment = await getEnrollment(await this.client(record), ref.enrollmentId);
    this.deps.log.addSecret(enrollment.jwt);
    this.deps.log.addSecret(enrollment.token);
    await this.copyJwt(enrollment);
    return true;
  }

  async save(arg: unknown): Promise<string | undefined> {
    const { enrollment } = await this.target(arg, vscode.l10n.t('Save Enrollment JWT'));
    return this.saveJwt(enrollment);
  }

  async showQr(arg: unknown): Promise<EnrollmentRef> {
    const { record, enrollment } = await this.target(arg, vscode.l10n.t('Show Enrollment QR Code'));
    this.qr.show(this.qrTarget(record, enrollment), this.requireJwt(enrollment));
    return { connectionId: record.id, enrollmentId: enrollment.id };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Create

  async create(arg: unknown): Promise<EnrollmentRef | undefined> {
    const record = await this.connectionFrom(arg, vscode.l10n.t('Create Enrollment'));
    const client = await this.client(record);
    const title = vscode.l10n.t('Create Enrollment on {0}', record.label);
    const ui = this.deps.ui();
    let search = '';
    let found: IdentitySummary[] = [];
    let identity: IdentitySummary | undefined;
    let method: IdentityMethod = 'ott';
    let caId: string | undefined;
    let username: string | undefined;
    let expiresAt = '';
    const SEARCH_AGAIN = Symbol('search again');
    await runSteps(
      [
        // 0: search text (server-side filter on the name)
        async (info) => {
          const v = await ui.input(info, {
            prompt: vscode.l10n.t('Search identities by name (leave empty to list the first 100)'),
            value: search,
            placeholder: vscode.l10n.t('part of the identity name'),
          });
          if (v === BACK) {
            return BACK;
          }
          search = v;
          found = (await searchIdentities(client, v)).items;
          return 1;
        },
        // 1: pick the identity
        async (info) => {
          const items: PickItem<IdentitySummary | typeof SEARCH_AGAIN>[] = found.map((i) => ({
            label: i.name,
            description: [
              i.typeId,
              ...Object.entries(i.enrollment ?? {})
                .filter(([, v]) => v)
                .map(([m]) => vscode.l10n.t('{0} outstanding', m)),
            ]
              .filter(Boolean)
              .join(' · '),
            detail: i.id,
            value: i,
          }));
          items.push({
            label: `$(search) ${vscode.l10n.t('Search again…')}`,
            description: found.length === 0 ? vscode.l10n.t('no identity name contains "{0}"', search) : '',
            value: SEARCH_AGAIN,
          });
          const v = await ui.pick(info, items, { placeholder: vscode.l10n.t('Pick the identity to enroll') });
          if (v === BACK || v === SEARCH_AGAIN) {
            return v === BACK ? BACK : 0;
          }
          identity = v;
          return 2;
        },
        // 2: method
        async (info) => {
          const v = await ui.pick(
            info,
            (['ott', 'ottca', 'updb'] as const).map((m) => ({ label: m, description: methodLabel(m), value: m })),
            { placeholder: vscode.l10n.t('Enrollment method') },
          );
          if (v === BACK) {
            return BACK;
          }
          method = v;
          caId = undefined;
          username = undefined;
          return v === 'ott' ? 4 : 3;
        },
        // 3: CA (ottca) or username (updb)
        async (info) => {
          if (method === 'ottca') {
            const cas = (await listCas(client)).filter((c) => c.isOttCaEnrollmentEnabled === true);
            if (cas.length === 0) {
              throw new Error(vscode.l10n.t('No CA on {0} allows OTT CA enrollment (isOttCaEnrollmentEnabled). Pick another method.', record.label));
            }
            const v = await ui.pick(
              info,
              cas.map((c) => ({ label: c.name, description: c.isVerified === false ? vscode.l10n.t('not verified') : vscode.l10n.t('verified'), detail: c.id, value: c.id })),
              { placeholder: vscode.l10n.t('The third-party CA that issued the identity’s certificate') },
            );
            if (v === BACK) {
              return BACK;
            }
            caId = v;
            return 4;
          }
          const v = await ui.input(info, {
            prompt: identity ? vscode.l10n.t('Username for {0}', identity.name) : vscode.l10n.t('Username for the identity'),
            value: username ?? identity?.name ?? '',
            validate: (s) => (s.trim() === '' ? vscode.l10n.t('Enter a username.') : s.length > 200 ? vscode.l10n.t('At most {0} characters.', 200) : undefined),
          });
          if (v === BACK) {
            return BACK;
          }
          username = v.trim();
          return 4;
        },
        // 4: expiry
        async (info) => {
          const v = await this.askExpiry(info);
          if (v === BACK) {
            return BACK;
          }
          expiresAt = v;
          return undefined;
        },
      ],
      title,
      // search, identity, method, [CA or username,] expiry: the total of the method chosen so far
      () => (method === 'ott' ? 4 : 5),
    );
    if (!identity) {
      return cancelled();
    }
    let id: string;
    try {
      id = await createEnrollment(client, { method, identityId: identity.id, expiresAt, caId, username });
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) {
        throw e;
      }
      return this.resolveConflict(record, client, identity, method, expiresAt, { caId, username });
    }
    await this.refreshView(record.id);
    const created = await getEnrollment(client, id);
    this.deps.log.addSecret(created.jwt);
    this.deps.log.addSecret(created.token);
    this.deps.log.info(`${record.label}: created a ${method} enrollment ${id} for ${identity.name}`);
    await this.offerHandout(record, created, true);
    return { connectionId: record.id, enrollmentId: id };
  }

  /** 409: an enrollment of this method is outstanding. Offer to refresh it (new expiry, new JWT) or delete and recreate. */
  private async resolveConflict(
    record: ConnectionRecord,
    client: ZitiClient,
    identity: IdentitySummary,
    method: IdentityMethod,
    expiresAt: string,
    extra: { caId?: string; username?: string },
  ): Promise<EnrollmentRef | undefined> {
    const existing = await findOutstanding(client, identity.id, method);
    if (!existing) {
      throw new Error(
        vscode.l10n.t(
          '{0} refused the enrollment: {1} already has an outstanding {2} enrollment, but it could not be found. Refresh the Enrollments view.',
          record.label,
          identity.name,
          method,
        ),
      );
    }
    const refreshIt = vscode.l10n.t('Refresh It');
    const recreate = vscode.l10n.t('Delete and Recreate');
    const choice = await this.deps.ui().confirm(
      vscode.l10n.t('{0} already has an outstanding {1} enrollment on {2}.', identity.name, method, record.label),
      vscode.l10n.t('It {0}. Refresh it (new expiry, new JWT: the old JWT stops working), or delete it and create a new one.', expiryText(existing.expiresAt, Date.now())),
      [refreshIt, recreate],
    );
    if (choice === refreshIt) {
      await this.confirmProduction(record, existing, 'refresh');
      await refreshEnrollment(client, existing.id, expiresAt);
    } else if (choice === recreate) {
      await this.confirmProduction(record, existing, 'recreate');
      await deleteEnrollment(client, existing.id);
      this.qr.close(record.id, existing.id);
      const id = await createEnrollment(client, { method, identityId: identity.id, expiresAt, ...extra });
      await this.refreshView(record.id);
      const created = await getEnrollment(client, id);
      this.deps.log.addSecret(created.jwt);
      await this.offerHandout(record, created, true);
      return { connectionId: record.id, enrollmentId: id };
    } else {
      return cancelled();
    }
    await this.refreshView(record.id);
    const refreshed = await getEnrollment(client, existing.id);
    this.deps.log.addSecret(refreshed.jwt);
    this.qr.update(this.qrTarget(record, refreshed), this.requireJwt(refreshed));
    await this.offerHandout(record, refreshed, true);
    return { connectionId: record.id, enrollmentId: existing.id };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Refresh and delete

  async refresh(arg: unknown): Promise<EnrollmentRef | undefined> {
    const { record, client, enrollment } = await this.target(arg, vscode.l10n.t('Refresh Enrollment'));
    if (!canRefresh(enrollment)) {
      throw new Error(
        vscode.l10n.t(
          'The {0} enrollment of {1} {2} cannot be refreshed here: routers re-enroll through their own endpoints. Delete it instead.',
          enrollment.method,
          kindText(subjectKind(enrollment)),
          subjectName(enrollment),
        ),
      );
    }
    const title = vscode.l10n.t('Refresh Enrollment of {0}', subjectName(enrollment));
    const expiresAt = await this.askExpiry({ title, step: 1, totalSteps: 2, canGoBack: false }, { title, step: 2, totalSteps: 2, canGoBack: true });
    if (expiresAt === BACK) {
      return cancelled();
    }
    const refreshButton = vscode.l10n.t('Refresh');
    const ok = await this.deps.ui().confirm(
      vscode.l10n.t('Refresh the {0} enrollment of {1} on {2}?', enrollment.method, subjectName(enrollment), record.label),
      vscode.l10n.t(
        'The controller issues a new JWT that expires {0}. The current JWT stops working at once: anyone who has it must get the new one.',
        new Date(expiresAt).toLocaleString(),
      ),
      [refreshButton],
    );
    if (ok !== refreshButton) {
      return cancelled();
    }
    await this.confirmProduction(record, enrollment, 'refresh');
    await refreshEnrollment(client, enrollment.id, expiresAt);
    await this.refreshView(record.id);
    const fresh = await getEnrollment(client, enrollment.id);
    this.deps.log.addSecret(fresh.jwt);
    this.deps.log.addSecret(fresh.token);
    this.deps.log.info(`${record.label}: refreshed the ${enrollment.method} enrollment ${enrollment.id} of ${subjectName(enrollment)}`);
    if (fresh.jwt) {
      this.qr.update(this.qrTarget(record, fresh), fresh.jwt);
    }
    await this.offerHandout(record, fresh, Boolean(fresh.jwt));
    return { connectionId: record.id, enrollmentId: enrollment.id };
  }

  /** What deleting means for the identity: it can still enroll when it has another enrollment that has not expired. */
  private async deleteConsequence(client: ZitiClient, enrollment: ZitiEnrollment): Promise<string> {
    const identityId = subjectKind(enrollment) === 'identity' ? subjectId(enrollment) : undefined;
    let others: ZitiEnrollment[] = [];
    if (identityId) {
      try {
        others = await listIdentityEnrollments(client, identityId);
      } catch (e) {
        // Without the list, say what is certain rather than guess either way.
        this.deps.log.warn(`could not read the other enrollments of ${subjectName(enrollment)}: ${e instanceof Error ? e.message : String(e)}`);
        return vscode.l10n.t('Its JWT stops working at once. (Whether {0} has another enrollment could not be read.)', subjectName(enrollment));
      }
    }
    return deleteConsequence(enrollment, others, Date.now());
  }

  async delete(arg: unknown): Promise<boolean> {
    const { record, client, enrollment } = await this.target(arg, vscode.l10n.t('Delete Enrollment'));
    const name = subjectName(enrollment);
    const kind = kindText(subjectKind(enrollment));
    if (record.production) {
      await this.confirmProduction(record, enrollment, 'delete');
    } else {
      const deleteButton = vscode.l10n.t('Delete');
      const ok = await this.deps.ui().confirm(
        vscode.l10n.t('Delete the {0} enrollment of {1} {2} on {3}?', enrollment.method, kind, name, record.label),
        vscode.l10n.t('{0} Controller: {1}.', await this.deleteConsequence(client, enrollment), record.endpoints.url ?? record.label),
        [deleteButton],
      );
      if (ok !== deleteButton) {
        return cancelled();
      }
    }
    const outcome = await deleteEnrollment(client, enrollment.id);
    this.qr.close(record.id, enrollment.id);
    await this.refreshView(record.id);
    this.deps.log.info(`${record.label}: deleted the ${enrollment.method} enrollment ${enrollment.id} of ${name}${outcome === 'already-gone' ? ' (it was already gone)' : ''}`);
    void this.deps.ui().notify(
      'info',
      outcome === 'already-gone' ? vscode.l10n.t('The enrollment of {0} was already gone.', name) : vscode.l10n.t('Deleted the {0} enrollment of {1}.', enrollment.method, name),
    );
    return true;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Grouping

  async groupBy(arg: unknown): Promise<EnrollmentGroupBy> {
    let by: EnrollmentGroupBy;
    if (arg === 'none' || arg === 'method' || arg === 'identity') {
      by = arg;
    } else {
      const current = enrollmentGroupBy();
      const v = await this.deps.ui().pick(
        { title: vscode.l10n.t('Group Enrollments By'), step: 1, totalSteps: 1, canGoBack: false },
        (
          [
            ['none', vscode.l10n.t('No grouping')],
            ['method', vscode.l10n.t('Method (ott, ottca, updb, erott)')],
            ['identity', vscode.l10n.t('Identity or router')],
          ] as const
        ).map(([value, label]) => ({ label, description: value === current ? vscode.l10n.t('current') : undefined, value })),
        { placeholder: vscode.l10n.t('Group the Enrollments view by') },
      );
      by = typeof v === 'symbol' ? cancelled() : v;
    }
    await vscode.workspace.getConfiguration().update(GROUP_BY_SETTING, by, vscode.ConfigurationTarget.Global);
    this.deps.views.providers.enrollments.refresh();
    return by;
  }
}
