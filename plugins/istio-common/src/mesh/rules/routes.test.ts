import { parseVirtualService } from '../parse';
import {
  RawHttpRoute,
  rawVirtualService,
  virtualService,
} from './__testUtils__/modelBuilders';
import {
  duplicateRouteMatch,
  routeFindings,
  routeWeightProblem,
} from './routes';

describe('routeWeightProblem', () => {
  it.each<[Array<number | undefined>]>([
    [[]],
    [[undefined]],
    [[100]],
    [[80, 20]],
    [[100, 0]],
    [[34, 33, 33]],
    [[0, 0, 100]],
  ])('accepts %j', weights => {
    expect(routeWeightProblem(weights)).toBeUndefined();
  });

  it.each<[Array<number | undefined>, string]>([
    [[80, 30], 'destination weights must add up to 100, they add up to 110'],
    [[50, 40], 'destination weights must add up to 100, they add up to 90'],
    [[0, 0], 'destination weights must add up to 100, they add up to 0'],
    [[25, 25, 25], 'destination weights must add up to 100, they add up to 75'],
    [
      [80, undefined],
      'with more than one destination every destination needs a weight',
    ],
    [
      [undefined, 100],
      'with more than one destination every destination needs a weight',
    ],
    [
      [undefined, undefined],
      'with more than one destination every destination needs a weight',
    ],
    [
      [50],
      'a single destination gets all traffic; its weight must be 100 or left out (got 50)',
    ],
    [
      [0],
      'a single destination gets all traffic; its weight must be 100 or left out (got 0)',
    ],
    [
      [120],
      'a single destination gets all traffic; its weight must be 100 or left out (got 120)',
    ],
  ])('refuses %j', (weights, problem) => {
    expect(routeWeightProblem(weights)).toBe(problem);
  });
});

describe('duplicateRouteMatch', () => {
  it.each<[Array<string | undefined>, string | undefined]>([
    [[], undefined],
    [['/api', '/web'], undefined],
    [['/api', undefined], undefined],
    [['/api', '/web', '/api'], '/api'],
    [[undefined, undefined], '/'],
    [['/', undefined], '/'],
    [['/a', '/b', '/b', '/a'], '/b'],
  ])('%j → %p', (matches, expected) => {
    expect(duplicateRouteMatch(matches)).toBe(expected);
  });
});

describe('routeFindings', () => {
  const vs = (http: RawHttpRoute[]) =>
    virtualService('shop', 'storefront', {
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/public-gateway'],
      http,
    });

  it('is clean for a canary split and distinct paths', () => {
    expect(
      routeFindings(
        vs([
          {
            prefix: '/api',
            to: [
              { host: 'api', subset: 'v1', weight: 90 },
              { host: 'api', subset: 'v2', weight: 10 },
            ],
          },
          { exact: '/healthz', to: [{ host: 'web', weight: 100 }] },
          { to: [{ host: 'web' }] },
        ]),
      ),
    ).toEqual([]);
  });

  it('reports the weights of each route, numbered from 1 (KIA1104)', () => {
    expect(
      routeFindings(
        vs([
          { prefix: '/ok', to: [{ host: 'web' }] },
          {
            prefix: '/split',
            to: [
              { host: 'web', subset: 'v1', weight: 60 },
              { host: 'web', subset: 'v2', weight: 60 },
            ],
          },
          {
            prefix: '/missing',
            to: [
              { host: 'web', subset: 'v1', weight: 50 },
              { host: 'web', subset: 'v2' },
            ],
          },
          { prefix: '/single', to: [{ host: 'web', weight: 10 }] },
        ]),
      ),
    ).toEqual([
      {
        id: 'route-weights',
        severity: 'error',
        code: 'KIA1104',
        object: 'shop/VirtualService/storefront',
        message:
          'route 2: destination weights must add up to 100, they add up to 120',
      },
      {
        id: 'route-weights',
        severity: 'error',
        code: 'KIA1104',
        object: 'shop/VirtualService/storefront',
        message:
          'route 3: with more than one destination every destination needs a weight',
      },
      {
        id: 'route-weights',
        severity: 'error',
        code: 'KIA1104',
        object: 'shop/VirtualService/storefront',
        message:
          'route 4: a single destination gets all traffic; its weight must be 100 or left out (got 10)',
      },
    ]);
  });

  it('reads weights the API server returned as strings', () => {
    const parsed = parseVirtualService(
      rawVirtualService('shop', 'storefront', {
        hosts: ['shop.example.com'],
        http: [
          {
            to: [
              { host: 'web', subset: 'v1', weight: '70' as unknown as number },
              { host: 'web', subset: 'v2', weight: '30' as unknown as number },
            ],
          },
        ],
      }),
    );
    expect(routeFindings(parsed)).toEqual([]);
  });

  it('warns about two routes for the same path (KIA1105)', () => {
    expect(
      routeFindings(
        vs([
          { prefix: '/api', to: [{ host: 'api' }] },
          { prefix: '/web', to: [{ host: 'web' }] },
          { prefix: '/api', to: [{ host: 'api-v2' }] },
        ]),
      ),
    ).toEqual([
      {
        id: 'route-unreachable',
        severity: 'warning',
        code: 'KIA1105',
        object: 'shop/VirtualService/storefront',
        message:
          'two routes match the same requests ("/api"); the second is never used',
      },
    ]);
  });

  it('counts a route without a match as "/"', () => {
    const findings = routeFindings(
      vs([
        { prefix: '/', to: [{ host: 'web' }] },
        { to: [{ host: 'web-v2' }] },
      ]),
    );
    expect(findings.map(f => f.message)).toEqual([
      'two routes match the same requests ("/"); the second is never used',
    ]);
  });

  it('reports weights and duplicates together', () => {
    expect(
      routeFindings(
        vs([
          { prefix: '/a', to: [{ host: 'web', weight: 50 }] },
          { prefix: '/a', to: [{ host: 'web' }] },
        ]),
      ).map(f => f.code),
    ).toEqual(['KIA1104', 'KIA1105']);
  });

  it('is clean for a VirtualService without HTTP routes', () => {
    expect(routeFindings(vs([]))).toEqual([]);
  });

  // Istio's Bookinfo `reviews` route: a header match for one user, then the
  // default route. Both have no URI match, so both read as "/", and the
  // default route — which serves every other user — is reported as never
  // used.
  it('does not call the default route after a header-only match unreachable', () => {
    expect(
      routeFindings(
        vs([
          {
            headers: { 'end-user': { exact: 'jason' } },
            to: [{ host: 'reviews', subset: 'v2' }],
          },
          { to: [{ host: 'reviews', subset: 'v1' }] },
        ]),
      ),
    ).toEqual([]);
  });

  // An exact match takes only that path; a prefix route for the same string
  // after it still serves every path below it.
  it('does not call a prefix route unreachable after an exact route for the same path', () => {
    expect(
      routeFindings(
        vs([
          { exact: '/api', to: [{ host: 'api-root' }] },
          { prefix: '/api', to: [{ host: 'api' }] },
        ]),
      ),
    ).toEqual([]);
  });
});
