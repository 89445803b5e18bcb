/**
 * Gateway API status conditions, judged the same way by the status's
 * findings and the tab's colours.
 */

/** A condition as the status reports it. @public */
export type ConditionLike = { type: string; status: string };

/**
 * Conditions whose healthy status is `False` ("negative polarity"): a
 * listener's `Conflicted` and `OverlappingTLSConfig`, a route's
 * `PartiallyInvalid`, and the deprecated listener condition `Detached`.
 *
 * @public
 */
export const NEGATIVE_POLARITY_CONDITIONS: ReadonlySet<string> = new Set([
  'Conflicted',
  'OverlappingTLSConfig',
  'PartiallyInvalid',
  'Detached',
]);

/** The positive conditions the status judges (Gateway API v1.5.1). @public */
export const JUDGED_CONDITIONS: ReadonlySet<string> = new Set([
  'Accepted',
  'ResolvedRefs',
  'Programmed',
]);

/** True when a condition says all is well. @public */
export function conditionHealthy(condition: ConditionLike): boolean {
  return (
    condition.status ===
    (NEGATIVE_POLARITY_CONDITIONS.has(condition.type) ? 'False' : 'True')
  );
}

/**
 * True when a judged condition says something is wrong: a positive one set
 * to `False`, or a negative one set to `True`. `Unknown` (not decided yet)
 * and conditions of other types are not judged.
 *
 * @public
 */
export function conditionProblem(condition: ConditionLike): boolean {
  if (NEGATIVE_POLARITY_CONDITIONS.has(condition.type)) {
    return condition.status === 'True';
  }
  return JUDGED_CONDITIONS.has(condition.type) && condition.status === 'False';
}

/**
 * Overlapping TLS configuration and partly invalid routes still serve
 * traffic (a warning); other problems do not, or not as configured.
 *
 * @public
 */
export function conditionProblemIsWarning(condition: ConditionLike): boolean {
  return (
    condition.type === 'OverlappingTLSConfig' ||
    condition.type === 'PartiallyInvalid'
  );
}
