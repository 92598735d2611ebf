// Token and cost totals per role. Plain data with no Node imports: the web viewer's browser
// code type-checks against these shapes too.

export type UsageRole = 'agent' | 'judge';

export interface RoleUsage {
  inputTokens: number;
  outputTokens: number;
  /** USD; null while any contributing model is unpriced */
  cost: number | null;
  calls: number;
}

export function emptyRoleUsage(): RoleUsage {
  return { inputTokens: 0, outputTokens: 0, cost: 0, calls: 0 };
}
