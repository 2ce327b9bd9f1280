import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface Levering {
  /** The Authorization header value. */
  auth: string;
  body: string;
}

export interface Antwoord {
  status: number;
  body: string;
  ms: number;
}

export interface LoadUitslag {
  wandS: number;
  antwoorden: Antwoord[];
  fouten: number;
}

/**
 * A small closed-loop load client for big deliveries: `verbindingen` keep-alive connections, each sending
 * the next delivery from the list as soon as its previous one is answered. Every delivery is sent once.
 */
export async function stuurAlles(
  url: string,
  leveringen: Levering[],
  verbindingen: number,
  timeoutMs = 120_000,
): Promise<LoadUitslag> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: verbindingen });
  const target = new URL(url);
  const antwoorden: Antwoord[] = new Array(leveringen.length);
  let volgende = 0;
  let fouten = 0;
  const een = (l: Levering) =>
    new Promise<Antwoord>((resolve) => {
      const start = performance.now();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          timeout: timeoutMs,
          headers: {
            authorization: l.auth,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(l.body),
          },
        },
        (res) => {
          const delen: Buffer[] = [];
          res.on('data', (d: Buffer) => delen.push(d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(delen).toString('utf8'),
              ms: performance.now() - start,
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        fouten++;
        resolve({ status: 0, body: '', ms: performance.now() - start });
      });
      req.end(l.body);
    });
  const werker = async () => {
    while (volgende < leveringen.length) {
      const i = volgende++;
      antwoorden[i] = await een(leveringen[i]!);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(verbindingen, leveringen.length) }, werker));
  const wandS = (performance.now() - start) / 1000;
  agent.destroy();
  return { wandS, antwoorden, fouten };
}

/** One value in COPY's text format. */
export function copyWaarde(v: string | number | boolean | null): string {
  if (v === null) return '\\N';
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** COPY rows (already in text format, one line each) into a table; answers the wall time in seconds. */
export async function kopieer(
  c: pg.Client,
  tabel: string,
  kolommen: string[],
  regels: string[],
): Promise<number> {
  const start = performance.now();
  const stream = c.query(copyFrom(`COPY ${tabel} (${kolommen.join(', ')}) FROM STDIN`));
  async function* bron() {
    const per = 1000;
    for (let i = 0; i < regels.length; i += per) yield `${regels.slice(i, i + per).join('\n')}\n`;
  }
  await pipeline(bron(), stream);
  return (performance.now() - start) / 1000;
}

export function percentiel(waarden: number[], p: number): number {
  if (waarden.length === 0) return 0;
  const s = [...waarden].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
