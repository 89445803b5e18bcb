import { ZodTypeAny } from 'zod';
import { formatInputIssues } from './formatIssues';
import { httpRouteInputSchema } from './httpRouteInput';
import { k8sGatewayInputSchema } from './k8sGatewayInput';
import { INPUT_LIMITS } from './limits';

const rule = { backendRefs: [{ name: 'checkout', port: 8080 }] };
const hr = {
  cluster: 'testbed',
  name: 'checkout',
  namespace: 'shop',
  hostnames: ['checkout.example.com'],
  parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
  rules: [rule],
};
const listener = {
  name: 'https',
  hostname: '*.shop.example.com',
  certificateRefs: [{ name: 'shop-cert' }],
};
const kg = { cluster: 'testbed', name: 'shop', listeners: [listener] };

function problems(schema: ZodTypeAny, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : formatInputIssues(result.error);
}

describe('istio:gatewayapi:httproute:create input', () => {
  it('accepts a route and fills the defaults', () => {
    const parsed = httpRouteInputSchema.parse({
      ...hr,
      rules: [
        {
          matches: [{ path: { value: '/api' }, method: 'GET' }],
          backendRefs: [
            { name: 'v1', port: 8080, weight: 90 },
            { name: 'v2', port: 8080, weight: 10, namespace: 'canary' },
          ],
          timeouts: { request: '1m30s', backendRequest: '10s' },
        },
        rule,
      ],
    });
    expect(parsed).toMatchObject({
      mode: 'apply',
      renderPath: 'manifests',
      force: false,
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }] },
        rule,
      ],
    });
  });

  it.each([
    [
      'no hostnames',
      { hostnames: [] },
      'hostnames: hostnames must name at least one hostname',
    ],
    [
      'an upper-case hostname',
      { hostnames: ['Shop.example.com'] },
      'hostnames[0]: hostname "Shop.example.com" must be lower case (the Gateway API requires it)',
    ],
    [
      'a hostname twice',
      { hostnames: ['a.example.com', 'a.example.com'] },
      'hostnames: hostnames lists "a.example.com" twice',
    ],
    [
      'no parentRefs',
      { parentRefs: [] },
      'parentRefs: parentRefs must name at least one Gateway',
    ],
    [
      'the same parent twice',
      {
        parentRefs: [{ name: 'public', namespace: 'shop' }, { name: 'public' }],
      },
      'parentRefs[1]: parentRefs names the same parent twice',
    ],
    [
      'a backendRef without a port',
      { rules: [{ backendRefs: [{ name: 'checkout' }] }] },
      'rules[0].backendRefs[0].port: backendRefs port is required',
    ],
    [
      'weights that are all 0',
      {
        rules: [
          {
            backendRefs: [
              { name: 'a', port: 80, weight: 0 },
              { name: 'b', port: 80, weight: 0 },
            ],
          },
        ],
      },
      'rules[0].backendRefs: every backendRef has weight 0',
    ],
    [
      'a weight over the API maximum',
      { rules: [{ backendRefs: [{ name: 'a', port: 80, weight: 1000001 }] }] },
      'weight must be between 0 and 1000000',
    ],
    [
      'a duration Istio-style',
      { rules: [{ ...rule, timeouts: { request: '1.5s' } }] },
      'rules[0].timeouts.request: timeouts.request must be a Gateway API duration such as "500ms", "10s" or "1m30s"',
    ],
    [
      'a backend timeout longer than the request timeout',
      {
        rules: [{ ...rule, timeouts: { request: '5s', backendRequest: '1m' } }],
      },
      'rules[0].timeouts.backendRequest: timeouts.backendRequest (1m) must not be longer than timeouts.request (5s)',
    ],
    [
      'a path with a dot segment',
      { rules: [{ ...rule, matches: [{ path: { value: '/a/../b' } }] }] },
      'path value must not contain "//", "/./", "/../", "%2f" or "#"',
    ],
    [
      'a relative path',
      { rules: [{ ...rule, matches: [{ path: { value: 'api' } }] }] },
      'path value must start with "/"',
    ],
    [
      'a RegularExpression path',
      {
        rules: [
          {
            ...rule,
            matches: [{ path: { type: 'RegularExpression', value: '/.*' } }],
          },
        ],
      },
      'path type must be "PathPrefix" or "Exact"',
    ],
    [
      'an unknown method',
      { rules: [{ ...rule, matches: [{ method: 'BREW' }] }] },
      'method must be one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH',
    ],
    [
      'a match an earlier rule already has (KIA1105)',
      {
        rules: [
          { ...rule, matches: [{ path: { value: '/api' } }] },
          {
            ...rule,
            matches: [{ path: { type: 'PathPrefix', value: '/api/' } }],
          },
        ],
      },
      'rules[1]: rule 2 matches PathPrefix /api like rule 1; the later one would never be used (KIA1105)',
    ],
    [
      'two rules without matches',
      { rules: [rule, rule] },
      'rules[1]: rule 2 matches PathPrefix / like rule 1',
    ],
  ])('refuses %s', (_, extra, message) => {
    expect(
      problems(httpRouteInputSchema, { ...hr, ...extra }).join('\n'),
    ).toContain(message);
  });
});

describe('istio:gatewayapi:gateway:create input', () => {
  it('accepts a Gateway and fills the defaults', () => {
    expect(k8sGatewayInputSchema.parse(kg)).toMatchObject({
      namespace: 'istio-ingress',
      listeners: [{ ...listener, port: 443, allowedRoutes: { from: 'Same' } }],
    });
    expect(
      problems(k8sGatewayInputSchema, {
        ...kg,
        listeners: [
          {
            ...listener,
            certificateRefs: [{ name: 'shared', namespace: 'certs' }],
            allowedRoutes: { from: 'Selector', selector: { team: 'shop' } },
          },
          { ...listener, name: 'other', hostname: 'other.example.com' },
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    [
      'no listeners',
      { listeners: [] },
      'listeners: listeners must have at least one listener',
    ],
    [
      'a listener without certificates',
      { listeners: [{ ...listener, certificateRefs: [] }] },
      'listeners[0].certificateRefs: an HTTPS listener needs at least one certificateRef',
    ],
    [
      'a Selector without labels',
      { listeners: [{ ...listener, allowedRoutes: { from: 'Selector' } }] },
      'listeners[0].allowedRoutes.selector: allowedRoutes.from Selector needs a selector with at least one label',
    ],
    [
      'a selector without Selector',
      {
        listeners: [
          { ...listener, allowedRoutes: { from: 'All', selector: { a: 'b' } } },
        ],
      },
      'allowedRoutes.selector is used only with from: Selector',
    ],
    [
      'an unknown allowedRoutes.from',
      { listeners: [{ ...listener, allowedRoutes: { from: 'None' } }] },
      'allowedRoutes.from must be "Same", "All" or "Selector"',
    ],
    [
      'two listeners of one name',
      { listeners: [listener, { ...listener, hostname: 'x.example.com' }] },
      'listeners[1].name: listeners has two listeners named "https"',
    ],
    [
      'two listeners for one hostname and port (HostnameConflict)',
      { listeners: [listener, { ...listener, name: 'again' }] },
      'listeners[1]: listeners "https" and "again" both serve *.shop.example.com on port 443 (HostnameConflict)',
    ],
    [
      'a bad hostname',
      { listeners: [{ ...listener, hostname: 'shop' }] },
      'listeners[0].hostname: listener hostname "shop" must be a fully qualified host name',
    ],
  ])('refuses %s', (_, extra, message) => {
    expect(
      problems(k8sGatewayInputSchema, { ...kg, ...extra }).join('\n'),
    ).toContain(message);
  });
});

// Every list and free-form string is bounded; the message names the field,
// the limit and what was given.
describe('Gateway API inputs: bounds', () => {
  const L = INPUT_LIMITS;
  const times = <T>(n: number, item: (i: number) => T) =>
    Array.from({ length: n }, (_, i) => item(i));

  it.each([
    [
      'hostnames',
      httpRouteInputSchema,
      L.httpRouteHostnames,
      (n: number) => ({ ...hr, hostnames: times(n, i => `h${i}.example.com`) }),
      (max: number, got: number) =>
        `hostnames: hostnames may name at most ${max} hostnames (got ${got})`,
    ],
    [
      'parentRefs',
      httpRouteInputSchema,
      L.parentRefs,
      (n: number) => ({
        ...hr,
        parentRefs: times(n, i => ({ name: `gw${i}` })),
      }),
      (max: number, got: number) =>
        `parentRefs: parentRefs may have at most ${max} parentRefs (got ${got})`,
    ],
    [
      'rules',
      httpRouteInputSchema,
      L.httpRouteRules,
      (n: number) => ({
        ...hr,
        rules: times(n, i => ({
          ...rule,
          matches: [{ path: { value: `/r${i}` } }],
        })),
      }),
      (max: number, got: number) =>
        `rules: rules may have at most ${max} rules (got ${got})`,
    ],
    [
      'matches',
      httpRouteInputSchema,
      L.httpRouteMatches,
      (n: number) => ({
        ...hr,
        rules: [
          { ...rule, matches: times(n, i => ({ path: { value: `/m${i}` } })) },
        ],
      }),
      (max: number, got: number) =>
        `rules[0].matches: matches may have at most ${max} matches (got ${got})`,
    ],
    [
      'backendRefs',
      httpRouteInputSchema,
      L.backendRefs,
      (n: number) => ({
        ...hr,
        rules: [{ backendRefs: times(n, i => ({ name: `b${i}`, port: 80 })) }],
      }),
      (max: number, got: number) =>
        `rules[0].backendRefs: backendRefs may have at most ${max} backendRefs (got ${got})`,
    ],
    [
      'path value',
      httpRouteInputSchema,
      L.httpPathLength,
      (n: number) => ({
        ...hr,
        rules: [
          { ...rule, matches: [{ path: { value: `/${'p'.repeat(n - 1)}` } }] },
        ],
      }),
      (max: number, got: number) =>
        `rules[0].matches[0].path.value: path value must be at most ${max} characters (got ${got})`,
    ],
    [
      'cluster',
      httpRouteInputSchema,
      L.clusterLength,
      (n: number) => ({ ...hr, cluster: 'c'.repeat(n) }),
      (max: number, got: number) =>
        `cluster: cluster must be at most ${max} characters (got ${got})`,
    ],
    [
      'listeners',
      k8sGatewayInputSchema,
      L.listeners,
      (n: number) => ({
        ...kg,
        listeners: times(n, i => ({
          ...listener,
          name: `l${i}`,
          port: 8000 + i,
        })),
      }),
      (max: number, got: number) =>
        `listeners: listeners may have at most ${max} listeners (got ${got})`,
    ],
    [
      'certificateRefs',
      k8sGatewayInputSchema,
      L.certificateRefs,
      (n: number) => ({
        ...kg,
        listeners: [
          { ...listener, certificateRefs: times(n, i => ({ name: `c${i}` })) },
        ],
      }),
      (max: number, got: number) =>
        `listeners[0].certificateRefs: certificateRefs may have at most ${max} certificateRefs (got ${got})`,
    ],
    [
      'allowedRoutes.selector',
      k8sGatewayInputSchema,
      L.selectorEntries,
      (n: number) => ({
        ...kg,
        listeners: [
          {
            ...listener,
            allowedRoutes: {
              from: 'Selector',
              selector: Object.fromEntries(times(n, i => [`k${i}`, 'x'])),
            },
          },
        ],
      }),
      (max: number, got: number) =>
        `listeners[0].allowedRoutes.selector: allowedRoutes.selector may have at most ${max} entries (got ${got})`,
    ],
    [
      'renderPath',
      k8sGatewayInputSchema,
      L.renderPathLength,
      (n: number) => ({ ...kg, renderPath: 'r'.repeat(n) }),
      (max: number, got: number) =>
        `renderPath: renderPath must be at most ${max} characters (got ${got})`,
    ],
  ] as const)(
    '%s: at the limit is fine, one more is refused',
    (_, schema, limit, input, message) => {
      expect(problems(schema, input(limit))).toEqual([]);
      expect(problems(schema, input(limit + 1))).toContain(
        message(limit, limit + 1),
      );
    },
  );
});

it('bounds a duration (no valid Gateway API duration is that long)', () => {
  const tooLong = `${'1'.repeat(INPUT_LIMITS.durationLength)}s`;
  expect(
    problems(httpRouteInputSchema, {
      ...hr,
      rules: [{ ...rule, timeouts: { request: tooLong } }],
    }),
  ).toContain(
    `rules[0].timeouts.request: timeouts.request must be at most ${
      INPUT_LIMITS.durationLength
    } characters (got ${INPUT_LIMITS.durationLength + 1})`,
  );
  expect(
    problems(httpRouteInputSchema, {
      ...hr,
      rules: [{ ...rule, timeouts: { request: '99999h59m59s999ms' } }],
    }),
  ).toEqual([]);
});
