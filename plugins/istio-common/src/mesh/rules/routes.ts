import { MeshVirtualService, RuleFinding } from '../model';

/**
 * Rules about the HTTP routes of a VirtualService: weights (KIA1104) and
 * routes that can never match (KIA1105). The action input schema uses the
 * same checks on what a template asks for.
 */

/**
 * KIA1104: what is wrong with the weights of one route's destinations, if
 * anything. Several destinations need a weight each, adding up to 100; a
 * single destination gets all traffic.
 *
 * @public
 */
export function routeWeightProblem(
  weights: Array<number | undefined>,
): string | undefined {
  if (weights.length > 1) {
    if (weights.some(w => w === undefined)) {
      return 'with more than one destination every destination needs a weight';
    }
    const sum = weights.reduce<number>((a, b) => a + (b ?? 0), 0);
    return sum === 100
      ? undefined
      : `destination weights must add up to 100, they add up to ${sum}`;
  }
  const [only] = weights;
  return only !== undefined && only !== 100
    ? `a single destination gets all traffic; its weight must be 100 or left out (got ${only})`
    : undefined;
}

/**
 * KIA1105: the first match key that an earlier route already has, if any
 * (`/` for routes without a match: the second catch-all is never used).
 *
 * @public
 */
export function duplicateRouteMatch(
  matches: Array<string | undefined>,
): string | undefined {
  const normalised = matches.map(m => m ?? '/');
  return normalised.find((m, i) => normalised.indexOf(m) !== i);
}

/** KIA1104 and KIA1105 over a VirtualService's routes. @public */
export function routeFindings(vs: MeshVirtualService): RuleFinding[] {
  const object = `${vs.namespace}/VirtualService/${vs.name}`;
  const findings: RuleFinding[] = [];
  vs.http.forEach((route, i) => {
    const problem = routeWeightProblem(route.destinations.map(d => d.weight));
    if (problem) {
      findings.push({
        id: 'route-weights',
        severity: 'error',
        code: 'KIA1104',
        object,
        message: `route ${i + 1}: ${problem}`,
      });
    }
  });
  const keys = vs.http.map(r => r.matchKey);
  const duplicate = duplicateRouteMatch(keys);
  if (duplicate) {
    const shown =
      vs.http[keys.indexOf(duplicate === '/' ? undefined : duplicate)]?.match ??
      '/';
    findings.push({
      id: 'route-unreachable',
      severity: 'warning',
      code: 'KIA1105',
      object,
      message: `two routes match the same requests ("${shown}"); the second is never used`,
    });
  }
  return findings;
}
