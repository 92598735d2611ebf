// A run of consecutive free TCP ports on one host (replicas listen on base, base + 1, ...).

import { createServer } from 'node:net';

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

/** The first port of `count` consecutive ports that are free now (probed at random bases). */
export async function freePortRun(count: number, host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i, host)))).every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found on ${host}`);
}
