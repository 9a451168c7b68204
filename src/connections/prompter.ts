import * as vscode from 'vscode';
import { Prompter } from '../backends/types';
import { BACK, UserInput } from '../ui/input';

/** Sign-in questions (MFA codes, passwords) asked through the same UserInput as everything else. */
export function prompterFor(getUi: () => UserInput): Prompter {
  const ask = async (title: string, prompt: string, password: boolean): Promise<string | undefined> => {
    const v = await getUi().input({ title, step: 1, totalSteps: 1, canGoBack: false }, { prompt, password, validate: (x) => (x.trim() ? undefined : vscode.l10n.t('Enter a value.')) });
    return v === BACK ? undefined : v.trim();
  };
  return {
    askCode: ({ title, prompt }) => ask(title, prompt, false),
    askPassword: ({ title, prompt }) => ask(title, prompt, true),
  };
}
