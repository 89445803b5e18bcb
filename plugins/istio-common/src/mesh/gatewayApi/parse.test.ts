import {
  parseHttpRoute,
  parseHttpRouteMatch,
  parseK8sGateway,
  parseReferenceGrant,
} from './parse';
import {
  fromAll,
  rawHttpRoute,
  rawK8sGateway,
  rawListener,
} from './__testUtils__/gatewayApiBuilders';

describe('parseK8sGateway', () => {
  it('reads listeners with the API defaults and the status', () => {
    const raw = rawK8sGateway('istio-ingress', 'public', [
      rawListener('https', {
        hostname: '*.example.com',
        certificates: ['wildcard', { name: 'shared', namespace: 'certs' }],
        allowedRoutes: fromAll,
      }),
      { name: 'http', port: 80, protocol: 'HTTP' },
    ]);
    (raw.status as any).listeners = [
      {
        name: 'https',
        attachedRoutes: 2,
        conditions: [
          { type: 'Programmed', status: 'True', reason: 'Programmed' },
        ],
      },
    ];
    const gw = parseK8sGateway(raw);
    expect(gw).toMatchObject({
      kind: 'Gateway',
      group: 'gateway.networking.k8s.io',
      ref: 'istio-ingress/public',
      gatewayClassName: 'istio',
      createdAt: '2025-01-15T09:30:00Z',
      apiVersion: 'gateway.networking.k8s.io/v1',
      conditions: [
        {
          type: 'Accepted',
          status: 'Unknown',
          reason: 'Pending',
          message: 'Waiting for controller',
        },
      ],
    });
    expect(gw.listeners).toEqual([
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        hostname: '*.example.com',
        tls: {
          mode: 'Terminate',
          certificateRefs: [
            {
              group: '',
              kind: 'Secret',
              namespace: 'istio-ingress',
              name: 'wildcard',
            },
            { group: '', kind: 'Secret', namespace: 'certs', name: 'shared' },
          ],
        },
        allowedRoutes: { namespaces: { from: 'All' }, kinds: [] },
        status: {
          attachedRoutes: 2,
          conditions: [
            { type: 'Programmed', status: 'True', reason: 'Programmed' },
          ],
        },
      },
      {
        name: 'http',
        port: 80,
        protocol: 'HTTP',
        // allowedRoutes omitted: the API's default
        allowedRoutes: { namespaces: { from: 'Same' }, kinds: [] },
      },
    ]);
  });

  it('reads a selector and kinds, and defaults the kind group', () => {
    const gw = parseK8sGateway(
      rawK8sGateway('gw', 'g', [
        rawListener('https', {
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: {
                matchLabels: { team: 'a' },
                matchExpressions: [
                  { key: 'env', operator: 'In', values: ['prod'] },
                ],
              },
            },
            kinds: [{ kind: 'HTTPRoute' }, { group: 'x.io', kind: 'Other' }],
          },
        }),
      ]),
    );
    expect(gw.listeners[0].allowedRoutes).toEqual({
      namespaces: {
        from: 'Selector',
        selector: {
          matchLabels: { team: 'a' },
          matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
        },
      },
      kinds: [
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
        { group: 'x.io', kind: 'Other' },
      ],
    });
  });

  it('never throws on odd shapes', () => {
    expect(() =>
      parseK8sGateway({ spec: { listeners: 'nope' }, status: 7 } as any),
    ).not.toThrow();
    const gw = parseK8sGateway({
      metadata: { name: 'g', namespace: 'n', creationTimestamp: new Date(0) },
      spec: { listeners: [{ name: 'x', port: '8443', tls: 'bad' }, 3] },
    } as any);
    expect(gw.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(gw.listeners[0]).toMatchObject({ name: 'x', port: 8443 });
    expect(gw.listeners[0].tls).toBeUndefined();
    expect(gw.listeners[1]).toMatchObject({ name: '', port: 0, protocol: '' });
  });
});

describe('parseHttpRoute', () => {
  it('defaults parentRefs and backendRefs to the route namespace and the core group', () => {
    const route = parseHttpRoute(
      rawHttpRoute('team-a', 'checkout', {
        hostnames: ['shop.example.com'],
        parentRefs: [
          { name: 'public', namespace: 'istio-ingress', sectionName: 'https' },
          { name: 'own', port: 8443 },
        ],
        rules: [
          {
            backendRefs: [
              { name: 'checkout', port: 8080, weight: 90 },
              {
                group: '',
                kind: 'Service',
                name: 'shared',
                namespace: 'platform',
                port: 80,
              },
              {
                group: 'networking.istio.io',
                kind: 'Hostname',
                name: 'api.partner.example',
              },
            ],
            timeouts: { request: '10s', backendRequest: '2s' },
          },
        ],
      }),
    );
    expect(route.parentRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        namespace: 'istio-ingress',
        name: 'public',
        ref: 'istio-ingress/public',
        sectionName: 'https',
      },
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        namespace: 'team-a',
        name: 'own',
        ref: 'team-a/own',
        port: 8443,
      },
    ]);
    expect(route.rules).toEqual([
      {
        // no matches: the API's default
        matches: [
          {
            key: '{"path":{"type":"PathPrefix","value":"/"}}',
            display: 'PathPrefix /',
          },
        ],
        backendRefs: [
          {
            group: '',
            kind: 'Service',
            namespace: 'team-a',
            name: 'checkout',
            port: 8080,
            weight: 90,
            fqdn: 'checkout.team-a.svc.cluster.local',
          },
          {
            group: '',
            kind: 'Service',
            namespace: 'platform',
            name: 'shared',
            port: 80,
            fqdn: 'shared.platform.svc.cluster.local',
          },
          {
            group: 'networking.istio.io',
            kind: 'Hostname',
            namespace: 'team-a',
            name: 'api.partner.example',
          },
        ],
        timeouts: { request: '10s', backendRequest: '2s' },
      },
    ]);
    expect(route.parents).toEqual([]);
  });

  it('reads a route without rules as one rule matching everything', () => {
    const route = parseHttpRoute({
      metadata: { name: 'r', namespace: 'n' },
      spec: { parentRefs: [{ name: 'g' }] },
    });
    expect(route.hostnames).toEqual([]);
    expect(route.rules).toEqual([
      {
        matches: [parseHttpRouteMatch({})],
        backendRefs: [],
      },
    ]);
  });

  it('reads status parents', () => {
    const raw = rawHttpRoute('n', 'r', { parentRefs: [{ name: 'g' }] });
    raw.status = {
      parents: [
        {
          parentRef: { name: 'g' },
          controllerName: 'istio.io/gateway-controller',
          conditions: [
            {
              type: 'Accepted',
              status: 'False',
              reason: 'NotAllowedByListeners',
            },
          ],
        },
      ],
    };
    expect(parseHttpRoute(raw).parents).toEqual([
      {
        parentRef: expect.objectContaining({ ref: 'n/g' }),
        controllerName: 'istio.io/gateway-controller',
        conditions: [
          {
            type: 'Accepted',
            status: 'False',
            reason: 'NotAllowedByListeners',
          },
        ],
      },
    ]);
  });
});

describe('parseHttpRouteMatch', () => {
  it('gives equal keys to matches that match the same requests', () => {
    const key = (m: unknown) => parseHttpRouteMatch(m).key;
    expect(key({})).toBe(key({ path: { type: 'PathPrefix', value: '/' } }));
    // a PathPrefix ignores a trailing slash
    expect(key({ path: { value: '/api/' } })).toBe(
      key({ path: { type: 'PathPrefix', value: '/api' } }),
    );
    expect(key({ path: { type: 'Exact', value: '/api/' } })).not.toBe(
      key({ path: { type: 'Exact', value: '/api' } }),
    );
    // header names are case-insensitive and unordered
    expect(
      key({
        headers: [
          { name: 'X-B', value: '2' },
          { name: 'x-a', value: '1' },
        ],
      }),
    ).toBe(
      key({
        headers: [
          { name: 'x-a', value: '1', type: 'Exact' },
          { name: 'x-b', value: '2' },
        ],
      }),
    );
    expect(key({ method: 'GET' })).not.toBe(key({}));
  });

  it('describes a match for people', () => {
    expect(
      parseHttpRouteMatch({
        path: { type: 'Exact', value: '/health' },
        method: 'GET',
        headers: [{ name: 'X-Canary', value: 'yes' }],
        queryParams: [{ name: 'v', type: 'RegularExpression', value: '2.*' }],
      }).display,
    ).toBe('Exact /health GET header x-canary=yes query v~2.*');
  });
});

describe('parseReferenceGrant', () => {
  it('reads from and to, with the core group as ""', () => {
    const grant = parseReferenceGrant({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'certs' },
      spec: {
        from: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            namespace: 'istio-ingress',
          },
          { kind: 'broken' },
        ],
        to: [
          { group: '', kind: 'Secret', name: 'wildcard' },
          { kind: 'Service' },
        ],
      },
    });
    expect(grant).toMatchObject({
      kind: 'ReferenceGrant',
      ref: 'certs/g',
      from: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          namespace: 'istio-ingress',
        },
      ],
      to: [
        { group: '', kind: 'Secret', name: 'wildcard' },
        { group: '', kind: 'Service' },
      ],
    });
  });
});
