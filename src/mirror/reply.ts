// What a mirrored request returns: an HTTP-like reply with the real service's body.

export interface MirrorReply {
  status: number;
  contentType: string;
  body: string;
  /** extra response headers the real service sends (DAS puts its status in X-DAS-Status) */
  headers?: Record<string, string>;
}

export const json = (status: number, value: unknown): MirrorReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

export const text = (status: number, body: string, contentType = 'text/plain'): MirrorReply => ({ status, contentType, body });

/** Query parameters the way UCSC's cgi layer reads them: `;` or `&` separated, repeats kept. */
export function ucscParamList(url: URL): [string, string][] {
  const out: [string, string][] = [];
  const raw = url.search.replace(/^\?/, '');
  if (!raw) return out;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s; // a stray % is kept as typed, as a cgi layer would
    }
  };
  for (const part of raw.split(/[;&]/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.push([decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : decode(part.slice(eq + 1))]);
  }
  return out;
}

/** The same as a map (last value wins). */
export function ucscParams(url: URL): Map<string, string> {
  return new Map(ucscParamList(url));
}
