/**
 * Kubernetes label selectors in their string form (`app=reviews,tier!=db,
 * env in (prod,staging),!canary`), matched in memory the way the API server
 * matches them, so the watch-fed cache answers a `labelSelector` read
 * exactly as a list request would.
 */

/** One requirement of a selector. */
export type LabelRequirement =
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | 'doesnotexist' };

/** A parsed selector: every requirement must hold. */
export type LabelSelector = {
  requirements: LabelRequirement[];
  /**
   * For an index: the `key=value` pairs a match must carry (from `=`, `==`
   * and single-valued `in`), so a lookup can start from the smallest set.
   */
  equalities: Array<[string, string]>;
};

/** Raised for a selector the API server would refuse. */
export class LabelSelectorError extends Error {
  constructor(selector: string, reason: string) {
    super(`invalid label selector "${selector}": ${reason}`);
    this.name = 'LabelSelectorError';
  }
}

/** Splits at top-level commas (not those inside `in (…)`). */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

const SET_TERM = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY_TERM = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/;
const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

/** Parses a selector; the empty selector matches everything. */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements: LabelRequirement[] = [];
  const equalities: Array<[string, string]> = [];
  const key = (k: string) => {
    if (!KEY.test(k)) {
      throw new LabelSelectorError(selector, `"${k}" is not a label key`);
    }
    return k;
  };
  for (const term of splitTerms(selector)) {
    const set = SET_TERM.exec(term);
    if (set) {
      const values = set[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v.length > 0);
      const operator = set[2] as 'in' | 'notin';
      requirements.push({ key: key(set[1]), operator, values });
      if (operator === 'in' && values.length === 1) {
        equalities.push([set[1], values[0]]);
      }
      continue;
    }
    const equality = EQUALITY_TERM.exec(term);
    if (equality) {
      const [, k, op, value] = equality;
      requirements.push({
        key: key(k),
        operator: op === '!=' ? 'notin' : 'in',
        values: [value],
      });
      if (op !== '!=') {
        equalities.push([k, value]);
      }
      continue;
    }
    if (term.startsWith('!')) {
      requirements.push({
        key: key(term.slice(1).trim()),
        operator: 'doesnotexist',
      });
      continue;
    }
    requirements.push({ key: key(term), operator: 'exists' });
  }
  return { requirements, equalities };
}

/** Whether labels satisfy every requirement of the selector. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const all = labels ?? {};
  return selector.requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(all, r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && r.values.includes(all[r.key]);
      case 'notin':
        return !has || !r.values.includes(all[r.key]);
      default:
        return false;
    }
  });
}
