import { Redis } from 'ioredis';

/**
 * Counts failed key checks per client address within a window. Boom sends every school's traffic from
 * the same few addresses, so the count never blocks a valid key: only further failures get a 429.
 */
export interface MislukteSleutels {
  /** Records one failure; answers the failures in the current window and the seconds until it ends. */
  registreer(client: string): Promise<{ aantal: number; resterendSeconden: number }>;
  /**
   * Whether this client already has `max` failures in its window, as far as this process knows, without a
   * round trip: the seconds left in its window, else 0. Lets a client over the limit be refused before any
   * database lookup.
   */
  geblokkeerd(client: string, max: number): number;
  close(): Promise<void>;
}

/**
 * The client a failure is counted for: an IPv4 address as it is; an IPv6 address by its /64 prefix, the
 * block one subscriber or host is given, so that one attacker cannot start afresh by taking the next of
 * its 2^64 addresses. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
 */
export function clientVan(ip: string): string {
  const adres = ip.split('%')[0]!.toLowerCase(); // a zone (fe80::1%eth0) names no other client
  if (!adres.includes(':')) return adres;
  const v4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(adres);
  if (v4) return v4[1]!;
  const delen = (deel: string) =>
    deel === ''
      ? []
      : deel.split(':').flatMap((h) =>
          // An embedded IPv4 tail (64:ff9b::192.0.2.1) is two groups.
          h.includes('.') ? ['0', '0'] : [h.replace(/^0+(?=.)/, '')],
        );
  const [kop = '', staart] = adres.split('::');
  const voor = delen(kop);
  const na = staart === undefined ? [] : delen(staart);
  const groepen = [...voor, ...Array(Math.max(0, 8 - voor.length - na.length)).fill('0'), ...na];
  return `${groepen.slice(0, 4).join(':')}::/64`;
}

interface Schakel<K, V> {
  key: K;
  value: V;
  newer: Schakel<K, V> | undefined;
  older: Schakel<K, V> | undefined;
}

/**
 * Keeps at most `max` entries and drops the least recently used: a Map for the lookup and a doubly linked
 * list for the order, so get and set are O(1). (Evicting through `map.keys().next()` is not: V8 skips the
 * holes that earlier deletions left at the front of the table.)
 */
export class Lru<K, V> {
  readonly #entries = new Map<K, Schakel<K, V>>();
  #newest: Schakel<K, V> | undefined;
  #oldest: Schakel<K, V> | undefined;
  constructor(readonly max: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The value, which becomes the most recently used. */
  get(key: K): V | undefined {
    const s = this.#entries.get(key);
    if (s === undefined) return undefined;
    this.#unlink(s);
    this.#pushNewest(s);
    return s.value;
  }

  set(key: K, value: V): void {
    const s = this.#entries.get(key);
    if (s !== undefined) {
      s.value = value;
      this.#unlink(s);
      this.#pushNewest(s);
      return;
    }
    const nieuw: Schakel<K, V> = { key, value, newer: undefined, older: undefined };
    this.#entries.set(key, nieuw);
    this.#pushNewest(nieuw);
    if (this.#entries.size > this.max && this.#oldest !== undefined) {
      const oudste = this.#oldest;
      this.#unlink(oudste);
      this.#entries.delete(oudste.key);
    }
  }

  #unlink(s: Schakel<K, V>): void {
    if (s.newer) s.newer.older = s.older;
    else this.#newest = s.older;
    if (s.older) s.older.newer = s.newer;
    else this.#oldest = s.newer;
    s.newer = undefined;
    s.older = undefined;
  }

  #pushNewest(s: Schakel<K, V>): void {
    s.older = this.#newest;
    if (this.#newest) this.#newest.newer = s;
    this.#newest = s;
    this.#oldest ??= s;
  }
}

/** Clients counted in memory: a bounded LRU, so a flood of addresses costs O(1) per failure and bounded memory. */
export const MAX_CLIENTS = 100_000;

function seconden(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export interface Limiet {
  maxFouten: number;
  vensterSeconden: number;
}

/**
 * Per process: for one instance, or when no Redis is configured. At most `capaciteit` clients are kept;
 * past that the least recently failing client is forgotten (its count starts again at its next failure).
 */
export function inMemoryCounter(
  limiet: Limiet,
  now = () => Date.now(),
  capaciteit = MAX_CLIENTS,
): MislukteSleutels {
  const vensters = new Lru<string, { aantal: number; eindeOp: number }>(capaciteit);
  return {
    async registreer(client) {
      const t = now();
      let v = vensters.get(client);
      if (!v || v.eindeOp <= t) {
        v = { aantal: 0, eindeOp: t + limiet.vensterSeconden * 1000 };
        vensters.set(client, v);
      }
      v.aantal++;
      return { aantal: v.aantal, resterendSeconden: seconden(v.eindeOp - t) };
    },
    geblokkeerd(client, max) {
      const t = now();
      const v = vensters.get(client);
      return v && v.eindeOp > t && v.aantal >= max ? seconden(v.eindeOp - t) : 0;
    },
    async close() {},
  };
}

/** Shared by every instance through Redis (REDIS_URL). */
export function redisCounter(
  url: string,
  limiet: Limiet,
  prefix = 'boom-koppeling',
  now = () => Date.now(),
): MislukteSleutels {
  // The last count this process got from Redis per client, so that a client over the limit is known
  // without a round trip (other instances' failures show at this process's next registration).
  const laatst = new Lru<string, { aantal: number; eindeOp: number }>(MAX_CLIENTS);
  // Bounded: a slow or absent Redis costs a failed-key check at most a second, never the request.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 1000 });
  redis.on('error', () => {}); // reported per call below; a Redis outage must not take the service down
  return {
    async registreer(client) {
      const key = `${prefix}:mislukte-sleutels:${client}`;
      const res = await redis
        .multi()
        .incr(key)
        .pexpire(key, limiet.vensterSeconden * 1000, 'NX')
        .pttl(key)
        .exec();
      const aantal = Number(res?.[0]?.[1] ?? 0);
      const pttl = Number(res?.[2]?.[1] ?? limiet.vensterSeconden * 1000);
      laatst.set(client, { aantal, eindeOp: now() + pttl });
      return { aantal, resterendSeconden: seconden(pttl) };
    },
    geblokkeerd(client, max) {
      const t = now();
      const v = laatst.get(client);
      return v && v.eindeOp > t && v.aantal >= max ? seconden(v.eindeOp - t) : 0;
    },
    async close() {
      redis.disconnect();
    },
  };
}
