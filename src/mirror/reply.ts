// What a mirrored request returns: an HTTP-like reply with the real service's body.

export interface MirrorReply {
  status: number;
  contentType: string;
  body: string;
}

export const json = (status: number, value: unknown): MirrorReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});

export const text = (status: number, body: string, contentType = 'text/plain'): MirrorReply => ({ status, contentType, body });

/** Query parameters the way UCSC's cgi layer reads them: `;` or `&` separated. */
export function ucscParams(url: URL): Map<string, string> {
  const out = new Map<string, string>();
  const raw = url.search.replace(/^\?/, '');
  if (!raw) return out;
  for (const part of raw.split(/[;&]/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    out.set(k, v);
  }
  return out;
}
