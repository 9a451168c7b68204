// Answers Session Manager's prompts from a queue, inside the real extension host. Each answer is matched against
// the question asked, so a test fails clearly when the wizard asks something else than expected.
import * as assert from 'assert';
import type * as vscodeApi from 'vscode';
import type { Back, PickItem, StepInfo, UserInput } from '../../src/ui/input';

/**
 * What Escape does: VS Code's CancellationError, which the extension's command wrapper treats as "cancelled" (the
 * extension's own UserCancelled is another module instance here). Loaded on use, so the double's bookkeeping can be
 * unit-tested in plain Node.
 */
function escapePressed(): Error {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeApi;
  return new vscode.CancellationError();
}

export type Answer =
  | { pick: string | RegExp } // choose the item whose label matches
  | { input: string } // type this value (validation runs as in the real input box)
  | { back: true } // press the Back button
  | { cancel: true } // press Escape on a pick or input box
  | { confirm: string | undefined } // press this modal button (undefined = Cancel)
  | { typed: string } // text typed into a type-to-confirm box
  | { save: string | undefined } // the path chosen in a save dialog (undefined = Cancel)
  | { open: string | undefined }; // the file chosen in an open dialog (undefined = Cancel)

export interface Asked {
  kind: 'pick' | 'input' | 'confirm' | 'typeToConfirm' | 'openFile' | 'saveFile';
  title: string;
  text: string;
  step?: number;
  totalSteps?: number;
  /** The value an input box was opened with (answers kept from before). */
  value?: string;
  items?: string[];
  detail?: string;
  validation?: string;
}

export class QueuedInput implements UserInput {
  readonly asked: Asked[] = [];
  constructor(
    private readonly answers: Answer[],
    private readonly back: Back,
  ) {}

  get remaining(): number {
    return this.answers.length;
  }

  private next(kind: Asked['kind'], text: string): Answer {
    const a = this.answers.shift();
    assert.ok(a, `no answer queued for ${kind} "${text}"`);
    return a;
  }

  async pick<T>(info: StepInfo, items: PickItem<T>[], opts: { placeholder?: string } = {}): Promise<T | Back> {
    const text = opts.placeholder ?? info.title;
    this.asked.push({ kind: 'pick', title: info.title, text, step: info.step, totalSteps: info.totalSteps, items: items.map((i) => i.label) });
    const a = this.next('pick', text);
    if ('cancel' in a) {
      throw escapePressed();
    }
    if ('back' in a) {
      assert.ok(info.canGoBack, `Back pressed on "${text}", which has no Back button`);
      return this.back;
    }
    assert.ok('pick' in a, `expected ${JSON.stringify(a)} but was asked to pick: ${text}`);
    const found = items.find((i) => (typeof a.pick === 'string' ? i.label === a.pick : a.pick.test(i.label)));
    assert.ok(found, `no item ${String(a.pick)} in [${items.map((i) => i.label).join(', ')}] for "${text}"`);
    return found.value;
  }

  async input(info: StepInfo, opts: { prompt: string; value?: string; password?: boolean; validate?: (v: string) => string | undefined }): Promise<string | Back> {
    const entry: Asked = { kind: 'input', title: info.title, text: opts.prompt, step: info.step, totalSteps: info.totalSteps, value: opts.value };
    this.asked.push(entry);
    const a = this.next('input', opts.prompt);
    if ('cancel' in a) {
      throw escapePressed();
    }
    if ('back' in a) {
      assert.ok(info.canGoBack, `Back pressed on "${opts.prompt}", which has no Back button`);
      return this.back;
    }
    assert.ok('input' in a, `expected ${JSON.stringify(a)} but was asked to type: ${opts.prompt}`);
    const problem = opts.validate?.(a.input);
    if (problem) {
      entry.validation = problem;
      // The real input box refuses to accept; the test must queue a corrected value next.
      return this.input(info, opts);
    }
    return a.input;
  }

  async confirm(message: string, detail: string, buttons: string[]): Promise<string | undefined> {
    this.asked.push({ kind: 'confirm', title: message, text: message, detail, items: buttons });
    const a = this.next('confirm', message);
    assert.ok('confirm' in a, `expected ${JSON.stringify(a)} but a modal asked: ${message}`);
    if (a.confirm !== undefined) {
      assert.ok(buttons.includes(a.confirm), `no button ${a.confirm} in [${buttons.join(', ')}]`);
    }
    return a.confirm;
  }

  async typeToConfirm(prompt: string, expected: string): Promise<boolean> {
    this.asked.push({ kind: 'typeToConfirm', title: prompt, text: prompt });
    const a = this.next('typeToConfirm', prompt);
    assert.ok('typed' in a, `expected ${JSON.stringify(a)} but was asked to type a confirmation: ${prompt}`);
    return a.typed === expected;
  }

  async openFile(title: string): Promise<string | undefined> {
    this.asked.push({ kind: 'openFile', title, text: title });
    const a = this.next('openFile', title);
    assert.ok('open' in a, `expected ${JSON.stringify(a)} but an open dialog asked: ${title}`);
    return a.open;
  }

  /** Notifications shown (not questions: nothing is answered), oldest first. */
  readonly notified: { level: 'info' | 'warning' | 'error'; message: string; actions: string[] }[] = [];

  async notify(level: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined> {
    this.notified.push({ level, message, actions });
    return undefined;
  }

  /** Titles of the progress notifications shown, in order (kept apart from `asked`: progress asks nothing). */
  readonly progressShown: string[] = [];
  private readonly running = new Set<AbortController>();

  async progress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.progressShown.push(title);
    const controller = new AbortController();
    this.running.add(controller);
    try {
      return await task(controller.signal);
    } finally {
      this.running.delete(controller);
    }
  }

  /** Presses Cancel on every progress notification still running; returns how many there were. */
  cancelProgress(): number {
    const n = this.running.size;
    for (const c of this.running) {
      c.abort();
    }
    return n;
  }

  async saveFile(title: string, defaultName: string): Promise<string | undefined> {
    this.asked.push({ kind: 'saveFile', title, text: defaultName });
    const a = this.next('saveFile', title);
    assert.ok('save' in a, `expected ${JSON.stringify(a)} but a save dialog asked: ${title} (${defaultName})`);
    return a.save;
  }
}
