import { AsyncLocalStorage } from 'node:async_hooks';

/** A deadline passed (ANTWOORDTIJD_MS): nothing was started, or what was started was rolled back. */
export class TermijnVerstreken extends Error {
  readonly code = 'ANTWOORDTIJD';
  constructor(wat: string) {
    super(`${wat}: deadline passed`);
    this.name = 'TermijnVerstreken';
  }
}

/**
 * `promise`, or a TermijnVerstreken at `uiterlijk` (a performance.now() time). What the promise gives after
 * the deadline is handed to `opruimen` (e.g. a pool connection that came too late is released).
 */
export function binnenTermijn<T>(
  promise: Promise<T>,
  uiterlijk: number,
  opruimen: (waarde: T) => void,
  wat = 'waiting for a database connection',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let klaar = false;
    const timer = setTimeout(
      () => {
        klaar = true;
        reject(new TermijnVerstreken(wat));
      },
      Math.max(0, uiterlijk - performance.now()),
    );
    promise.then(
      (waarde) => {
        if (klaar) return opruimen(waarde);
        klaar = true;
        clearTimeout(timer);
        resolve(waarde);
      },
      (err) => {
        if (klaar) return;
        klaar = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** At most `aantal` holders at a time; the rest wait in arrival order, each until its deadline. */
export class Plaatsen {
  private vrij: number;
  private readonly wachtend: Array<() => void> = [];

  constructor(aantal: number) {
    this.vrij = aantal;
  }

  /** A place, by `uiterlijk` (else TermijnVerstreken); the function given back frees it. */
  async neem(uiterlijk: number): Promise<() => void> {
    const eenmaal = () => {
      let vrijgegeven = false;
      return () => {
        if (vrijgegeven) return;
        vrijgegeven = true;
        const volgende = this.wachtend.shift();
        if (volgende) volgende();
        else this.vrij++;
      };
    };
    if (this.vrij > 0) {
      this.vrij--;
      return eenmaal();
    }
    const beurt = new Promise<() => void>((resolve) => this.wachtend.push(() => resolve(eenmaal())));
    // A place that comes after the deadline is passed on at once.
    return binnenTermijn(beurt, uiterlijk, (geef) => geef(), 'waiting for a lane');
  }
}

/**
 * When work must be done (ANTWOORDTIJD_MS): `uiterlijk` is a performance.now() time by which its caller
 * must have an answer, `marge` what the caller keeps for itself (sending that answer).
 */
export interface Termijn {
  uiterlijk: number;
  marge: number;
}

const lopend = new AsyncLocalStorage<Termijn>();

/**
 * Runs `fn` with this deadline for every database call it makes on the service's pool (src/db/pool.ts):
 * the wait for a connection and each statement's answer end at `uiterlijk - marge`, and a transaction
 * started in it has the server end its statements and lock waits a margin before that.
 */
export function metTermijn<T>(termijn: Termijn, fn: () => Promise<T>): Promise<T> {
  return lopend.run(termijn, fn);
}

/** The deadline `fn` of metTermijn runs under, if any. */
export function lopendeTermijn(): Termijn | undefined {
  return lopend.getStore();
}
