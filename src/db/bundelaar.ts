/**
 * Group commit for the application: work that arrives while earlier work is still being written is put
 * into one batch, handled by one call of `verwerk` (one transaction). With nothing in flight a piece of
 * work starts at once, alone: batching adds no waiting, it only collects what would otherwise queue for a
 * database connection. At most `parallel` batches run at the same time; the rest wait, in arrival order.
 *
 * `verwerk` answers one settled result per piece of work, in order, so that one piece can fail alone.
 */
export interface BundelaarOpties<T, R> {
  verwerk: (werk: T[]) => Promise<Array<PromiseSettledResult<R>>>;
  /** Batches in flight at the same time. */
  parallel: number;
  /** The size of a piece of work (e.g. its number of results); a batch holds at most `maxGrootte`. */
  grootte: (werk: T) => number;
  maxGrootte: number;
  /** Whether `werk` may join a batch that already holds `bundel` (e.g. no two with the same id). */
  past: (bundel: readonly T[], werk: T) => boolean;
  /** Told when a batch starts: its number of pieces, and how many still wait (for metrics). */
  bijStart?: (stuks: number, wachtend: number) => void;
  /**
   * A deadline per piece (a performance.now() time; ANTWOORDTIJD_MS): a piece still waiting at
   * `uiterlijk(werk)` is rejected with `verlopen(werk)` there and then, and never handed to `verwerk`.
   */
  termijn?: { uiterlijk: (werk: T) => number; verlopen: (werk: T) => unknown };
}

interface Wachtend<T, R> {
  werk: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  sinds: number;
  timer?: NodeJS.Timeout;
  /** Rejected at its deadline while it waited: skipped when the next batch is made. */
  verlopen?: true;
}

export class Bundelaar<T, R> {
  private wachtrij: Array<Wachtend<T, R>> = [];
  private lopend = 0;
  /** The start of each batch in flight. */
  private readonly inVlucht = new Set<{ start: number }>();

  constructor(private readonly opts: BundelaarOpties<T, R>) {}

  aanbieden(werk: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const w: Wachtend<T, R> = { werk, resolve, reject, sinds: performance.now() };
      const termijn = this.opts.termijn;
      if (termijn) {
        w.timer = setTimeout(
          () => {
            w.verlopen = true;
            reject(termijn.verlopen(werk));
          },
          Math.max(0, termijn.uiterlijk(werk) - w.sinds),
        );
      }
      this.wachtrij.push(w);
      this.start();
    });
  }

  /** Pieces of work waiting for a batch to finish (`bijStart` tells the same at each batch's start). */
  get wachtend(): number {
    return this.wachtrij.filter((w) => !w.verlopen).length;
  }

  /** Whether nothing waits and nothing is in flight. */
  get leeg(): boolean {
    return this.lopend === 0 && this.wachtend === 0;
  }

  /**
   * How long (ms) the oldest piece has waited without an answer, or the oldest batch has been in flight;
   * 0 when there is none. Deadlines keep it below them: a larger value means something is wedged.
   */
  oudste(nu = performance.now()): number {
    let oudst = nu;
    for (const w of this.wachtrij) if (!w.verlopen) oudst = Math.min(oudst, w.sinds);
    for (const b of this.inVlucht) oudst = Math.min(oudst, b.start);
    return nu - oudst;
  }

  private start(): void {
    this.wachtrij = this.wachtrij.filter((w) => !w.verlopen);
    while (this.lopend < this.opts.parallel && this.wachtrij.length > 0) {
      // Strictly first come, first served: the batch ends at the first piece that does not fit.
      const bundel: Array<Wachtend<T, R>> = [];
      const werk: T[] = [];
      let grootte = 0;
      for (const w of this.wachtrij) {
        const g = this.opts.grootte(w.werk);
        if (bundel.length > 0 && (grootte + g > this.opts.maxGrootte || !this.opts.past(werk, w.werk))) break;
        bundel.push(w);
        werk.push(w.werk);
        grootte += g;
      }
      this.wachtrij = this.wachtrij.slice(bundel.length);
      for (const w of bundel) clearTimeout(w.timer);
      this.lopend++;
      this.opts.bijStart?.(bundel.length, this.wachtrij.length);
      void this.voerUit(bundel, werk);
    }
  }

  private async voerUit(bundel: Array<Wachtend<T, R>>, werk: T[]): Promise<void> {
    const vlucht = { start: performance.now() };
    this.inVlucht.add(vlucht);
    try {
      const uitkomsten = await this.opts.verwerk(werk);
      bundel.forEach((w, i) => {
        const u = uitkomsten[i];
        if (u === undefined) w.reject(new Error('a batch answered fewer results than it was given'));
        else if (u.status === 'fulfilled') w.resolve(u.value);
        else w.reject(u.reason);
      });
    } catch (err) {
      for (const w of bundel) w.reject(err);
    } finally {
      this.inVlucht.delete(vlucht);
      this.lopend--;
      this.start();
    }
  }
}
