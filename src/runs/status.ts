// How far a run got: the episodes it plans, and its status from what is recorded. One rule for
// the runs index, the CLI and the viewer. No Node imports (the viewer's browser code shares it).

import type { RunConfig, RunStatus } from './types.js';

/** Episodes a run plans: every task of it, once per epoch. */
export function plannedEpisodes(config: Pick<RunConfig, 'task_indices' | 'epochs'>): number {
  return config.task_indices.length * config.epochs;
}

/**
 * Complete once every planned key has a final record (errored ones count: resume can retry them);
 * else running while a live process holds the run's lock, else interrupted.
 */
export function runStatus(recordedKeys: number, planned: number, locked: boolean): RunStatus {
  return recordedKeys >= planned ? 'complete' : locked ? 'running' : 'interrupted';
}
