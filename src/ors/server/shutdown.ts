// Server shutdown in bounded time: stop taking requests, let running tool calls finish,
// tear the sessions down, close connections, dispose the environments. All the waiting
// shares one grace period. Past it, running calls end with an `error` event, teardowns
// still running are left behind with a warning, and connections still open are cut, so
// a stuck tool or teardown cannot hold `genegym serve` up forever.

import type { FastifyInstance } from 'fastify';
import type { Environment } from '../environment.js';
import { errorOutcome } from './call.js';
import type { RunningCalls } from './running-calls.js';
import type { SessionRegistry } from './sessions.js';

export interface ShutdownParts {
  app: FastifyInstance;
  running: RunningCalls;
  sessions: SessionRegistry;
  environments: Environment[];
  graceMs: number;
  warn(message: string): void;
}

// Node does not close keep-alive connections that fall idle after server.close(); nudge them.
const IDLE_SWEEP_MS = 25;
// The last two steps get at least this long even when the grace period is already over:
// streams just ended (abandoned calls' error events) must flush before connections are cut,
// and environments should get to close their files.
const LAST_STEP_MS = 500;

export async function shutdown(p: ShutdownParts): Promise<void> {
  const deadline = Date.now() + p.graceMs;
  const server = p.app.server;
  // Stops accepting requests; settles once every connection has closed.
  const stopped = p.app.close();

  if (!(await settlesBy(deadline, p.running.drain()))) {
    const n = p.running.abandon(errorOutcome(`server shutting down: tool call abandoned after the ${p.graceMs} ms shutdown grace period`));
    p.warn(`shutdown: gave up on ${n} running tool call(s) after the ${p.graceMs} ms grace period`);
  }
  server.closeIdleConnections?.();

  if (!(await settlesBy(deadline, p.sessions.closeAll()))) {
    p.warn(`shutdown: left ${p.sessions.pendingTeardowns} session teardown(s) running after the ${p.graceMs} ms grace period`);
  }

  if (!(await settlesBy(Math.max(deadline, Date.now() + LAST_STEP_MS), stopped, () => server.closeIdleConnections?.()))) {
    p.warn('shutdown: closing connections still open after the grace period');
    server.closeAllConnections?.();
  }
  try {
    await stopped;
  } finally {
    const disposed = Promise.allSettled(p.environments.map(async (e) => e.dispose?.()));
    if (!(await settlesBy(Math.max(deadline, Date.now() + LAST_STEP_MS), disposed))) p.warn('shutdown: environment dispose still running after the grace period');
  }
}

/**
 * Whether `work` settles (either way) before `deadline` (ms timestamp). A deadline already
 * past still lets work that settles within the current turn count. `poll` runs meanwhile.
 */
async function settlesBy(deadline: number, work: Promise<unknown>, poll?: () => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  if (poll) ticker = setInterval(poll, IDLE_SWEEP_MS);
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
}
