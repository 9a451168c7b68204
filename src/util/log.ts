import { redactText } from './redact';

/** What the logger writes to: the parts of VS Code's LogOutputChannel it uses (so this module needs no `vscode`). */
export interface LogChannel {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
  dispose(): void;
}

/**
 * The extension's one LogOutputChannel. Every line passes through redaction, and callers can register
 * secrets known at run time (tokens, passwords) so that even a verbatim copy is caught.
 */
export class Logger {
  private readonly known = new Set<string>();
  /** The last failures of commands shown to the person (command id and redacted message), newest last. */
  readonly recentFailures: { id: string; message: string }[] = [];

  constructor(readonly channel: LogChannel) {}

  /** Remember a secret value so that it is scrubbed from any later log line. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) {
      this.known.add(value);
    }
  }

  private clean(message: string): string {
    return redactText(message, [...this.known]);
  }

  trace(message: string): void {
    this.channel.trace(this.clean(message));
  }
  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }
  info(message: string): void {
    this.channel.info(this.clean(message));
  }
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }
  error(message: string | Error): void {
    const text = message instanceof Error ? `${message.message}${message.stack ? `\n${message.stack}` : ''}` : message;
    this.channel.error(this.clean(text));
  }
  /** Logs a command's failure and keeps it among the last 20 (the integration tests read them). */
  commandFailed(id: string, message: string): void {
    this.error(`${id} failed: ${message}`);
    this.recentFailures.push({ id, message: this.clean(message) });
    this.recentFailures.splice(0, Math.max(0, this.recentFailures.length - 20));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
