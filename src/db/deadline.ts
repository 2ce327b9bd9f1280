/** A deadline passed (RESPONSE_DEADLINE_MS): nothing was started, or what was started was rolled back. */
export class DeadlinePassed extends Error {
  readonly code = 'ANTWOORDTIJD';
  constructor(what: string) {
    super(`${what}: deadline passed`);
    this.name = 'DeadlinePassed';
  }
}

/**
 * `promise`, or a DeadlinePassed at `at` (a performance.now() time). What the promise gives after the
 * deadline is handed to `cleanUp` (e.g. a pool connection that came too late is released).
 */
export function withinDeadline<T>(
  promise: Promise<T>,
  at: number,
  cleanUp: (value: T) => void,
  what = 'waiting for a database connection',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => {
        settled = true;
        reject(new DeadlinePassed(what));
      },
      Math.max(0, at - performance.now()),
    );
    promise.then(
      (value) => {
        if (settled) return cleanUp(value);
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** At most `count` holders at a time; the rest wait in arrival order, each until its deadline. */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(count: number) {
    this.free = count;
  }

  /** A slot, by `at` (else DeadlinePassed); the function given back frees it. */
  async take(at: number): Promise<() => void> {
    const once = () => {
      let freed = false;
      return () => {
        if (freed) return;
        freed = true;
        const next = this.waiting.shift();
        if (next) next();
        else this.free++;
      };
    };
    if (this.free > 0) {
      this.free--;
      return once();
    }
    const turn = new Promise<() => void>((resolve) => this.waiting.push(() => resolve(once())));
    // A slot that comes after the deadline is passed on at once.
    return withinDeadline(turn, at, (give) => give(), 'waiting for a lane');
  }
}

/**
 * When work must be done (RESPONSE_DEADLINE_MS): `at` is a performance.now() time by which its caller must have
 * an answer, `margin` what the caller keeps for itself (sending that answer).
 */
export interface Deadline {
  at: number;
  margin: number;
}
