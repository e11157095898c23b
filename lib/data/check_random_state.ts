/**
 * scikit-learn's `check_random_state`, shared by the sklearn ports (`makeClassification`,
 * `trainTestSplit`).
 *
 * @module
 */
import { globalRandomState, RandomState } from "../random/mod.ts";

/** sklearn's `check_random_state`: a seed makes a new RandomState, none means the global one. */
export function checkRandomState(rs: number | RandomState | null | undefined): RandomState {
  if (rs === undefined || rs === null) return globalRandomState;
  return rs instanceof RandomState ? rs : new RandomState(rs);
}
