import fc from 'fast-check';
import { ZodTypeAny } from 'zod';
import {
  actionInputCases,
  HostileMutation,
  OFFLINE_CONTEXT,
} from '../__testUtils__/actionInputCases';
import { authorizationPolicyInputSchema } from './authorizationPolicyInput';
import { destinationRuleInputSchema } from './destinationRuleInput';
import { formatInputIssues } from './formatIssues';
import { gatewayInputSchema } from './gatewayInput';
import { httpRouteInputSchema } from './httpRouteInput';
import { k8sGatewayInputSchema } from './k8sGatewayInput';
import { namespaceInputSchema } from './namespaceInput';
import { virtualServiceInputSchema } from './virtualServiceInput';

/**
 * Properties of every action's input schema: a valid input with any one
 * field made hostile is refused, and every line of the refusal (as the
 * scaffolder task log shows it) names the field, stays on one line and is
 * short enough to read; generated valid inputs pass.
 */

const SCHEMAS: Record<string, ZodTypeAny> = {
  'istio:namespace:create': namespaceInputSchema,
  'istio:gateway:create': gatewayInputSchema,
  'istio:virtualservice:create': virtualServiceInputSchema,
  'istio:destinationrule:create': destinationRuleInputSchema,
  'istio:authorizationpolicy:create': authorizationPolicyInputSchema,
  'istio:gatewayapi:gateway:create': k8sGatewayInputSchema,
  'istio:gatewayapi:httproute:create': httpRouteInputSchema,
};

/** Runs per hostile mutation; lists of thousands get fewer. */
const RUNS = 120;
const OVERSIZED_RUNS = 10;
/** Runs of the valid-input property per action. */
const VALID_RUNS = 300;
/** The longest line a refusal may have: values are shown shortened. */
const MAX_LINE = 400;

const runsFor = (m: HostileMutation) =>
  m.what.includes('thousands') ? OVERSIZED_RUNS : RUNS;

const cases = actionInputCases(OFFLINE_CONTEXT);
let hostileTried = 0;
let validTried = 0;

describe.each(cases.map(c => [c.id, c] as const))('%s input', (id, c) => {
  const schema = SCHEMAS[id];

  it('accepts its base input and generated valid inputs', () => {
    expect(schema.safeParse(c.base).success).toBe(true);
    fc.assert(
      fc.property(c.valid, input => {
        validTried += 1;
        const result = schema.safeParse(input);
        if (!result.success) {
          throw new Error(formatInputIssues(result.error).join('\n'));
        }
      }),
      { numRuns: VALID_RUNS },
    );
  });

  it.each(c.mutations.map(m => [m.what, m] as const))(
    'refuses %s, naming the field',
    (_what, m) => {
      fc.assert(
        fc.property(m.values, value => {
          hostileTried += 1;
          const result = schema.safeParse(m.apply(c.base, value));
          expect(result.success).toBe(false);
          if (result.success) {
            return;
          }
          const lines = formatInputIssues(result.error);
          expect(lines.join('\n')).toContain(m.field);
          for (const line of lines) {
            expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
            expect(line.length).toBeLessThanOrEqual(MAX_LINE);
          }
        }),
        { numRuns: runsFor(m) },
      );
    },
  );
});

// declared last, so it runs after every property above
it('ran every property in full', () => {
  const expected = cases.reduce(
    (sum, c) => sum + c.mutations.reduce((s, m) => s + runsFor(m), 0),
    0,
  );
  expect(hostileTried).toBe(expected);
  expect(validTried).toBe(cases.length * VALID_RUNS);
});
