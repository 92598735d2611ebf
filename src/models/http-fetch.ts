// A small fetch for the openai SDK over node:http(s) with a keep-alive agent. Model answers
// are small JSON bodies, so buffering them is fine, and this path costs far less CPU per
// request than the general-purpose fetch — which matters at hundreds of calls a second.

import http from 'node:http';
import https from 'node:https';

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A Response over an already-buffered body. Reading it parses the bytes directly instead of
 * going through a web ReadableStream, which was the largest single cost per model call.
 */
class BufferedResponse extends Response {
  constructor(bytes: Buffer | null, init: ResponseInit) {
    super(null, init);
    const text = async () => (bytes ? bytes.toString('utf8') : '');
    // Response declares these as properties, so they are overridden as properties.
    Object.defineProperties(this, {
      text: { value: text },
      json: { value: async () => JSON.parse(await text()) },
      arrayBuffer: { value: async () => (bytes ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : new ArrayBuffer(0)) },
    });
  }
}

export function keepAliveFetch(maxSockets = 256): typeof fetch {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const mod = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
    if (!mod) throw new TypeError(`unsupported protocol ${url.protocol}`);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('keepAliveFetch sends string or byte bodies only');
    }
    return await new Promise<Response>((resolve, reject) => {
      const req = mod.request(
        url,
        { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
              else if (v !== undefined) h.set(k, v);
            }
            resolve(new BufferedResponse(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
          });
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }) as typeof fetch;
}
