/**
 * Group commit for the application: work that arrives while earlier work is still being written is put
 * into one batch, handled by one call of `handle` (one transaction). With nothing in flight a piece of
 * work starts at once, alone: batching adds no waiting, it only collects what would otherwise queue for a
 * database connection. At most `parallel` batches run at the same time; the rest wait, in arrival order.
 *
 * `handle` answers one settled result per piece of work, in order, so that one piece can fail alone.
 */
export interface BatcherOptions<T, R> {
  handle: (work: T[]) => Promise<Array<PromiseSettledResult<R>>>;
  /** Batches in flight at the same time. */
  parallel: number;
  /** The size of a piece of work (e.g. its number of results); a batch holds at most `maxSize`. */
  size: (work: T) => number;
  maxSize: number;
  /** Whether `work` may join a batch that already holds `batch` (e.g. no two with the same id). */
  fits: (batch: readonly T[], work: T) => boolean;
  /** Told when a batch starts: its number of pieces, and how many still wait (for metrics). */
  onStart?: (pieces: number, waiting: number) => void;
  /**
   * A deadline per piece (a performance.now() time; RESPONSE_DEADLINE_MS): a piece still waiting at `at(work)`
   * is rejected with `expired(work)` there and then, and never handed to `handle`.
   */
  deadline?: { at: (work: T) => number; expired: (work: T) => unknown };
}

interface Waiting<T, R> {
  work: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  since: number;
  timer?: NodeJS.Timeout;
  /** Rejected at its deadline while it waited: skipped when the next batch is made. */
  expired?: true;
}

export class Batcher<T, R> {
  private queue: Array<Waiting<T, R>> = [];
  private running = 0;
  /** The start of each batch in flight. */
  private readonly inFlight = new Set<{ start: number }>();

  constructor(private readonly opts: BatcherOptions<T, R>) {}

  submit(work: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const w: Waiting<T, R> = { work, resolve, reject, since: performance.now() };
      const deadline = this.opts.deadline;
      // No deadline (Infinity) sets no timer: setTimeout would take it for 1 ms.
      if (deadline && Number.isFinite(deadline.at(work))) {
        w.timer = setTimeout(
          () => {
            w.expired = true;
            reject(deadline.expired(work));
          },
          Math.max(0, deadline.at(work) - w.since),
        );
      }
      this.queue.push(w);
      this.start();
    });
  }

  /** Pieces of work waiting for a batch to finish (`onStart` tells the same at each batch's start). */
  get waiting(): number {
    return this.queue.filter((w) => !w.expired).length;
  }

  /** Whether nothing waits and nothing is in flight. */
  get idle(): boolean {
    return this.running === 0 && this.waiting === 0;
  }

  /**
   * How long (ms) the oldest piece has waited without an answer, or the oldest batch has been in flight;
   * 0 when there is none. Deadlines keep it below them: a larger value means something is wedged.
   */
  oldest(now = performance.now()): number {
    let oldest = now;
    for (const w of this.queue) if (!w.expired) oldest = Math.min(oldest, w.since);
    for (const b of this.inFlight) oldest = Math.min(oldest, b.start);
    return now - oldest;
  }

  private start(): void {
    this.queue = this.queue.filter((w) => !w.expired);
    while (this.running < this.opts.parallel && this.queue.length > 0) {
      // Strictly first come, first served: the batch ends at the first piece that does not fit.
      const batch: Array<Waiting<T, R>> = [];
      const work: T[] = [];
      let size = 0;
      for (const w of this.queue) {
        const s = this.opts.size(w.work);
        if (batch.length > 0 && (size + s > this.opts.maxSize || !this.opts.fits(work, w.work))) break;
        batch.push(w);
        work.push(w.work);
        size += s;
      }
      this.queue = this.queue.slice(batch.length);
      for (const w of batch) clearTimeout(w.timer);
      this.running++;
      this.opts.onStart?.(batch.length, this.queue.length);
      void this.run(batch, work);
    }
  }

  private async run(batch: Array<Waiting<T, R>>, work: T[]): Promise<void> {
    const flight = { start: performance.now() };
    this.inFlight.add(flight);
    try {
      const results = await this.opts.handle(work);
      batch.forEach((w, i) => {
        const r = results[i];
        if (r === undefined) w.reject(new Error('a batch answered fewer results than it was given'));
        else if (r.status === 'fulfilled') w.resolve(r.value);
        else w.reject(r.reason);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight.delete(flight);
      this.running--;
      this.start();
    }
  }
}
