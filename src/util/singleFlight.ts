// One run of an async task at a time: callers that arrive while it runs share its result. Pure.
export class SingleFlight<T> {
  private pending: Promise<T> | undefined;

  run(task: () => Promise<T>): Promise<T> {
    if (!this.pending) {
      const p = task().finally(() => {
        if (this.pending === p) {
          this.pending = undefined;
        }
      });
      this.pending = p;
    }
    return this.pending;
  }

  /** Forget a run in flight (its callers still get its result); the next run starts afresh. */
  reset(): void {
    this.pending = undefined;
  }
}
