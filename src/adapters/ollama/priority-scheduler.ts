/**
 * Runs at most `maxInFlight` tasks at once; the rest wait in priority order (higher first, then first come).
 * A small CPU model serves one request at a time well; piling requests onto Ollama only gets 503 "server busy".
 */

export type RejectionKind = 'queue_full' | 'cancelled' | 'disposed';

export class SchedulerRejection extends Error {
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message);
    this.name = 'SchedulerRejection';
  }
}

interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly start: () => void;
  readonly reject: (err: SchedulerRejection) => void;
}

export class PriorityScheduler {
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  private seq = 0;
  private disposed = false;

  constructor(
    private readonly maxInFlight: number,
    private readonly maxQueued = 64,
  ) {}

  get running(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.queue.length;
  }

  run<T>(priority: number, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new SchedulerRejection('disposed', 'LLM client disposed'));
    if (signal?.aborted) return Promise.reject(new SchedulerRejection('cancelled', 'cancelled before it started'));
    return new Promise<T>((resolve, reject) => {
      const execute = () => {
        this.inFlight += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.inFlight -= 1;
            this.pump();
          });
      };
      if (this.inFlight < this.maxInFlight && this.queue.length === 0) {
        execute();
        return;
      }
      let onAbort: (() => void) | undefined;
      const waiter: Waiter = {
        priority,
        seq: this.seq++,
        start: () => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          execute();
        },
        reject: (err) => {
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      if (signal) {
        onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          waiter.reject(new SchedulerRejection('cancelled', 'cancelled while waiting for an LLM slot'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.enqueue(waiter);
    });
  }

  private enqueue(waiter: Waiter): void {
    if (this.queue.length >= this.maxQueued) {
      const lowest = this.queue[this.queue.length - 1];
      if (!lowest || lowest.priority >= waiter.priority) {
        waiter.reject(new SchedulerRejection('queue_full', `LLM queue full (${this.maxQueued} waiting)`));
        return;
      }
      this.queue.pop();
      lowest.reject(new SchedulerRejection('queue_full', `LLM queue full (${this.maxQueued} waiting); displaced by higher priority`));
    }
    // Sorted insert: higher priority first, FIFO among equals.
    let i = this.queue.findIndex((w) => w.priority < waiter.priority);
    if (i < 0) i = this.queue.length;
    this.queue.splice(i, 0, waiter);
  }

  private pump(): void {
    while (!this.disposed && this.inFlight < this.maxInFlight) {
      const next = this.queue.shift();
      if (!next) return;
      next.start();
    }
  }

  /** Rejects everything still waiting; running tasks are aborted by their owner's signal. */
  dispose(): void {
    this.disposed = true;
    for (const w of this.queue.splice(0)) w.reject(new SchedulerRejection('disposed', 'LLM client disposed'));
  }
}
