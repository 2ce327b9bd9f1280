// The one way into the data: /v1/beheer with the operator token, as any other client of the API.

const SLEUTEL = 'boom-koppeling.operatortoken';

/**
 * The token lives in sessionStorage: it is gone when the tab closes, it is not sent to the server by
 * itself (unlike a cookie, so no CSRF), and no other origin can read it. Script injection could, which
 * is what the strict CSP and building the page without innerHTML are for.
 */
export const token = {
  lees: () => sessionStorage.getItem(SLEUTEL),
  zet: (t) => sessionStorage.setItem(SLEUTEL, t),
  wis: () => sessionStorage.removeItem(SLEUTEL),
};

/** A problem+json answer (or no answer at all) as an error the views can show. */
export class ApiFout extends Error {
  constructor(status, probleem) {
    super(uitleg(status, probleem));
    this.status = status;
    this.code = probleem?.code;
    this.errors = Array.isArray(probleem?.errors) ? probleem.errors : [];
  }
}

function uitleg(status, p) {
  if (status === 0) return 'De service is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.';
  if (status === 503) return 'Database niet bereikbaar, probeer het zo opnieuw.';
  if (status === 401) return 'Het operatortoken klopt niet (meer). Log opnieuw in.';
  if (status === 429) return 'Te veel verzoeken; probeer het over een minuut opnieuw.';
  if (status >= 500) return 'Er ging iets mis in de service. Probeer het opnieuw; blijft het, meld het dan.';
  const tekst = p?.detail || p?.title || `Fout ${status}`;
  return p?.code ? `${tekst} (${p.code})` : tekst;
}

let bijUitgelogd = () => {};
/** What happens when the API says the token is wrong: back to Inloggen. */
export function bijOngeldigToken(fn) {
  bijUitgelogd = fn;
}

/** api('GET', '/scholen', undefined, { zoek: 'x' }) → the JSON answer; throws ApiFout. */
export async function api(methode, pad, body, query) {
  const url = new URL(`/v1/beheer${pad}`, location.origin);
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const headers = { authorization: `Bearer ${token.lees() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method: methode,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiFout(0);
  }
  const tekst = await res.text();
  let json;
  try {
    json = tekst ? JSON.parse(tekst) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const fout = new ApiFout(res.status, json);
    if (res.status === 401) bijUitgelogd(fout);
    throw fout;
  }
  return json;
}
