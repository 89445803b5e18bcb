/**
 * Label selection as the status needs it.
 */

/**
 * True when a `matchLabels`-style selector selects an object with these
 * labels: every key has the same value. An absent or empty selector selects
 * nothing here, as a Service without a selector has no pods; where an absent
 * selector means "all of the namespace" (policies), the caller says so.
 *
 * @public
 */
export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return (
    !!selector &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v)
  );
}
