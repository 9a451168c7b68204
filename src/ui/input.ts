import * as vscode from 'vscode';

/** Thrown when the person cancels a question: the command stops quietly (nothing is shown or logged as an error). */
export class UserCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Returned by a step when the person pressed the Back button. */
export const BACK = Symbol('back');
export type Back = typeof BACK;

export interface StepInfo {
  title: string;
  step: number;
  totalSteps: number;
  /** Whether a Back button is offered. */
  canGoBack: boolean;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * Everything Session Manager asks the person. The real implementation uses VS Code's QuickInput and modal
 * dialogs; tests in the extension host swap in one that answers from a queue (and records the questions).
 */
export interface UserInput {
  pick<T>(info: StepInfo, items: PickItem<T>[], opts?: { placeholder?: string; matchOnDescription?: boolean }): Promise<T | Back>;
  input(info: StepInfo, opts: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (v: string) => string | undefined }): Promise<string | Back>;
  /** A modal warning; returns the chosen button or undefined for Cancel. */
  confirm(message: string, detail: string, buttons: string[]): Promise<string | undefined>;
  /** Type-the-name confirmation for the riskiest actions. */
  typeToConfirm(prompt: string, expected: string): Promise<boolean>;
  openFile(title: string): Promise<string | undefined>;
  /** A save dialog offering `defaultName` (a file name, or a full path); returns the chosen path, or undefined for Cancel. */
  saveFile(title: string, defaultName: string, filters?: Record<string, string[]>): Promise<string | undefined>;
  /**
   * Runs `task` under a progress notification with a Cancel button (for anything that may take long: Load all, a
   * trust probe); `signal` aborts when the person presses Cancel. Returns or rejects with what `task` does.
   */
  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * A non-modal notification (what happened: a revoke's summary, "not found"); resolves with the action chosen, or
   * undefined when it was dismissed. Callers that do not care about the action do not wait for it.
   */
  notify(level: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
}

export class VsCodeInput implements UserInput {
  async notify(level: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined> {
    const show = level === 'error' ? vscode.window.showErrorMessage : level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return show(message, ...actions);
  }

  pick<T>(info: StepInfo, items: PickItem<T>[], opts: { placeholder?: string; matchOnDescription?: boolean } = {}): Promise<T | Back> {
    return new Promise((resolve, reject) => {
      const qp = vscode.window.createQuickPick<PickItem<T>>();
      qp.title = info.title;
      qp.step = info.step;
      qp.totalSteps = info.totalSteps;
      qp.placeholder = opts.placeholder;
      qp.items = items;
      qp.matchOnDescription = opts.matchOnDescription ?? true;
      qp.ignoreFocusOut = true;
      qp.buttons = info.canGoBack ? [vscode.QuickInputButtons.Back] : [];
      let done = false;
      const finish = (fn: () => void): void => {
        done = true;
        fn();
        qp.dispose();
      };
      qp.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) {
          finish(() => resolve(BACK));
        }
      });
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0];
        if (chosen) {
          finish(() => resolve(chosen.value));
        }
      });
      qp.onDidHide(() => {
        if (!done) {
          finish(() => reject(new UserCancelled()));
        }
      });
      qp.show();
    });
  }

  input(info: StepInfo, opts: { prompt: string; value?: string; placeholder?: string; password?: boolean; validate?: (v: string) => string | undefined }): Promise<string | Back> {
    return new Promise((resolve, reject) => {
      const box = vscode.window.createInputBox();
      box.title = info.title;
      box.step = info.step;
      box.totalSteps = info.totalSteps;
      box.prompt = opts.prompt;
      box.value = opts.value ?? '';
      box.placeholder = opts.placeholder;
      box.password = opts.password ?? false;
      box.ignoreFocusOut = true;
      box.buttons = info.canGoBack ? [vscode.QuickInputButtons.Back] : [];
      let done = false;
      const finish = (fn: () => void): void => {
        done = true;
        fn();
        box.dispose();
      };
      const check = (v: string): string | undefined => (opts.validate ? opts.validate(v) : undefined);
      box.onDidChangeValue((v) => {
        box.validationMessage = v ? check(v) : undefined;
      });
      box.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) {
          finish(() => resolve(BACK));
        }
      });
      box.onDidAccept(() => {
        const problem = check(box.value);
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        const value = box.value;
        finish(() => resolve(value));
      });
      box.onDidHide(() => {
        if (!done) {
          finish(() => reject(new UserCancelled()));
        }
      });
      box.show();
    });
  }

  async confirm(message: string, detail: string, buttons: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  }

  async typeToConfirm(prompt: string, expected: string): Promise<boolean> {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Confirm'),
      prompt,
      placeHolder: expected,
      ignoreFocusOut: true,
      validateInput: (v) => (v === expected || v === '' ? undefined : vscode.l10n.t('Type {0} exactly to confirm.', expected)),
    });
    if (typed === undefined) {
      throw new UserCancelled();
    }
    return typed === expected;
  }

  async openFile(title: string): Promise<string | undefined> {
    const uris = await vscode.window.showOpenDialog({ title, canSelectMany: false, canSelectFiles: true, canSelectFolders: false });
    return uris?.[0]?.fsPath;
  }

  progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        return task(controller.signal).finally(() => sub.dispose());
      }),
    );
  }

  async saveFile(title: string, defaultName: string, filters?: Record<string, string[]>): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const defaultUri = /[\\/]/.test(defaultName) ? vscode.Uri.file(defaultName) : folder ? vscode.Uri.joinPath(folder, defaultName) : vscode.Uri.file(defaultName);
    const uri = await vscode.window.showSaveDialog({ title, defaultUri, filters, saveLabel: vscode.l10n.t('Save') });
    return uri?.fsPath;
  }
}

/**
 * Runs steps with a working Back button: each step returns the index of the next step (or undefined when
 * finished); BACK returns to the previous step the person actually saw. `totalSteps` is the number of steps on the
 * path chosen so far (a function, re-read before each step, when an answer changes the path); `counted` says which
 * steps get a number of their own (a warning that belongs to the step before it does not).
 */
export async function runSteps(
  steps: ((info: StepInfo) => Promise<number | undefined | Back>)[],
  title: string,
  totalSteps: number | (() => number) = steps.length,
  counted: (index: number) => boolean = () => true,
): Promise<void> {
  const history: number[] = [];
  let current: number | undefined = 0;
  while (current !== undefined) {
    const step = history.filter(counted).length + (counted(current) ? 1 : 0);
    const total = typeof totalSteps === 'function' ? totalSteps() : totalSteps;
    const info: StepInfo = { title, step: Math.max(step, 1), totalSteps: Math.max(total, step, 1), canGoBack: history.length > 0 };
    const next: number | undefined | Back = await steps[current](info);
    if (next === BACK) {
      current = history.pop() ?? 0;
    } else {
      history.push(current);
      current = next;
    }
  }
}
