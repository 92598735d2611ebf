// The viewer's JSON API (served beside this app under ./api). Numbers arrive computed by the
// server's statistics modules; this file only fetches and names their shapes.

// Every shape is the server's own, imported type-only from modules with no Node imports (this
// app is compiled without Node's types, so the app's typecheck fails if one ever creeps in).
export type { Outcome } from '../../../runs/types.js';
export type { AccuracyStats } from '../../../runs/summary.js';
export type { RoleUsage } from '../../../models/usage.js';
export type { TranscriptEvent } from '../../../agents/transcript.js';
export type { Block } from '../../../ors/types.js';
export type { ShapedEvent } from '../../server/transcript.js';
export type {
  CompareView,
  EpisodePage,
  EpisodeRow,
  EpisodeView as Episode,
  ExpectedAnswer as Expected,
  Flip,
  LeaderboardRow,
  RunDetail,
  RunListItem,
} from '../../server/api-types.js';

import type { Outcome } from '../../../runs/types.js';

export const OUTCOMES: Outcome[] = ['correct', 'wrong', 'ungraded', 'error'];

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`./api/${path}`, { signal });
  const body = await res.json().catch(() => ({ detail: `HTTP ${res.status}` }));
  if (!res.ok) throw new ApiError(res.status, (body as { detail?: string }).detail ?? `HTTP ${res.status}`);
  return body as T;
}

export const enc = encodeURIComponent;
