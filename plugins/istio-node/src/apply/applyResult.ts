/**
 * What one server-side apply did (or, in dry run, would do).
 *
 * @public
 */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** @public */
export type ApplyResult = {
  /** `namespace/Kind/name` */
  ref: string;
  outcome: ApplyOutcome;
  dryRun: boolean;
};
