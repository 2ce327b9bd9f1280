import { Redis } from 'ioredis';

/**
 * Counts failed key checks per client address within a window. Boom sends every school's traffic from
 * the same few addresses, so the count never blocks a valid key: only further failures get a 429.
 */
export interface MislukteSleutels {
  /** Records one failure; answers the failures in the current window and the seconds until it ends. */
  registreer(client: string): Promise<{ aantal: number; resterendSeconden: number }>;
  close(): Promise<void>;
}

export interface Limiet {
  maxFouten: number;
  vensterSeconden: number;
}

/** Per process: for one instance, or when no Redis is configured. */
export function geheugenTeller(limiet: Limiet, now = () => Date.now()): MislukteSleutels {
  const vensters = new Map<string, { aantal: number; eindeOp: number }>();
  return {
    async registreer(client) {
      const t = now();
      if (vensters.size > 100_000) {
        for (const [k, v] of vensters) if (v.eindeOp <= t) vensters.delete(k);
      }
      let v = vensters.get(client);
      if (!v || v.eindeOp <= t) {
        v = { aantal: 0, eindeOp: t + limiet.vensterSeconden * 1000 };
        vensters.set(client, v);
      }
      v.aantal++;
      return { aantal: v.aantal, resterendSeconden: Math.max(1, Math.ceil((v.eindeOp - t) / 1000)) };
    },
    async close() {},
  };
}

/** Shared by every instance through Redis (REDIS_URL). */
export function redisTeller(url: string, limiet: Limiet, prefix = 'boom-koppeling'): MislukteSleutels {
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
      return { aantal, resterendSeconden: Math.max(1, Math.ceil(pttl / 1000)) };
    },
    async close() {
      redis.disconnect();
    },
  };
}
