// The auto-refresh schedule of a view: runs while the view is visible. Pure: no `vscode` import.

export interface Timer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realTimer: Timer = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * Runs `refresh` every `seconds` while the view is visible; 0 seconds or a hidden view stops the timer. A manual
 * refresh does not go through here (it is immediate).
 */
export class AutoRefreshSchedule {
  private handle: unknown;
  private visible = false;
  private seconds = 0;
  private runningWith = 0;

  constructor(
    private readonly refresh: () => void,
    private readonly timer: Timer = realTimer,
  ) {}

  get active(): boolean {
    return this.handle !== undefined;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.apply();
  }

  setSeconds(seconds: number): void {
    this.seconds = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    this.apply();
  }

  private apply(): void {
    const want = this.visible && this.seconds > 0 ? this.seconds : 0;
    if (want === this.runningWith && (want === 0) === (this.handle === undefined)) {
      return;
    }
    this.stop();
    if (want > 0) {
      this.runningWith = want;
      this.handle = this.timer.setInterval(() => this.refresh(), want * 1000);
    }
  }

  stop(): void {
    if (this.handle !== undefined) {
      this.timer.clearInterval(this.handle);
      this.handle = undefined;
    }
    this.runningWith = 0;
  }

  dispose(): void {
    this.stop();
  }
}
