import {
  kubernetesLabelSelectorMatches,
  listenerAcceptsRoute,
} from './attachment';
import {
  httpRouteAttachmentFindings,
  httpRouteBackendAllowedFindings,
  httpRouteBackendFindings,
  httpRouteCertificateFindings,
  httpRouteFindings,
  httpRouteHostnameConflictFindings,
  httpRouteHostnameConflicts,
  httpRouteReferenceGrantFindings,
  httpRouteUnreachableFindings,
} from './routes';
import {
  backend,
  credential,
  fromAll,
  gatewayApiModel,
  httpRoute,
  k8sGateway,
  rawListener,
  referenceGrant,
  service,
} from './__testUtils__/gatewayApiBuilders';

const INGRESS = 'istio-ingress';
const PUBLIC = { name: 'public', namespace: INGRESS };

/**
 * The platform's shared Gateway: an HTTPS listener for `*.shop.example.com`
 * taking routes from every namespace, one for the platform's own namespace
 * only, one for namespaces labelled `ingress: shared`, and plain HTTP.
 */
const publicGateway = k8sGateway(INGRESS, 'public', [
  rawListener('https', {
    hostname: '*.shop.example.com',
    certificates: ['shop-wildcard'],
    allowedRoutes: fromAll,
  }),
  rawListener('internal', {
    hostname: '*.internal.example.com',
    port: 8443,
    certificates: ['internal-cert'],
  }),
  rawListener('selected', {
    hostname: '*.partners.example.com',
    port: 9443,
    certificates: ['partners-cert'],
    allowedRoutes: {
      namespaces: {
        from: 'Selector',
        selector: { matchLabels: { ingress: 'shared' } },
      },
    },
  }),
  rawListener('http', {
    protocol: 'HTTP',
    hostname: '*.shop.example.com',
    allowedRoutes: fromAll,
  }),
]);

const model = gatewayApiModel({
  gateways: [publicGateway],
  namespaceLabels: {
    'team-a': { team: 'a' },
    'team-b': { team: 'b', ingress: 'shared' },
  },
  services: [
    service('team-a', 'checkout', [8080]),
    service('team-a', 'multi', [80, 8080]),
    service('team-b', 'storefront', [80]),
  ],
  serviceNamespaces: ['team-a', 'team-b'],
  credentials: [
    credential(INGRESS, 'shop-wildcard', ['*.shop.example.com']),
    credential(INGRESS, 'internal-cert', ['*.internal.example.com'], -3),
  ],
});

const route = (
  namespace: string,
  name: string,
  spec: Partial<Parameters<typeof httpRoute>[2]> = {},
  createdAt?: string,
) =>
  httpRoute(
    namespace,
    name,
    {
      hostnames: ['cart.shop.example.com'],
      parentRefs: [{ ...PUBLIC, sectionName: 'https' }],
      rules: [{ backendRefs: [backend('checkout', 8080)] }],
      ...spec,
    },
    { createdAt },
  );

describe('kubernetesLabelSelectorMatches', () => {
  const labels = { team: 'a', env: 'prod' };
  it.each([
    [{}, true],
    [{ matchLabels: { team: 'a' } }, true],
    [{ matchLabels: { team: 'b' } }, false],
    [
      {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'qa'] },
        ],
      },
      true,
    ],
    [
      {
        matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }],
      },
      false,
    ],
    [
      { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
      true,
    ],
    [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'team', operator: 'Gt' }] }, false],
  ])('%j → %s', (selector, expected) => {
    expect(kubernetesLabelSelectorMatches(selector, labels)).toBe(expected);
  });
});

describe('listenerAcceptsRoute', () => {
  const [https, internal, selected, http] = publicGateway.listeners;
  const labels = model.namespaceLabels;

  it('takes routes from every namespace with from: All', () => {
    expect(
      listenerAcceptsRoute(publicGateway, https, 'team-a', labels),
    ).toEqual({
      accepted: true,
    });
    expect(listenerAcceptsRoute(publicGateway, http, 'team-a', labels)).toEqual(
      {
        accepted: true,
      },
    );
  });

  it("takes routes only from the Gateway's namespace with from: Same", () => {
    expect(
      listenerAcceptsRoute(publicGateway, internal, INGRESS, labels),
    ).toEqual({
      accepted: true,
    });
    expect(
      listenerAcceptsRoute(publicGateway, internal, 'team-a', labels),
    ).toEqual({
      accepted: false,
      because:
        "it takes routes only from its own namespace 'istio-ingress' (allowedRoutes.namespaces.from: Same)",
    });
  });

  it('takes routes from namespaces whose labels match with from: Selector', () => {
    expect(
      listenerAcceptsRoute(publicGateway, selected, 'team-b', labels),
    ).toEqual({
      accepted: true,
    });
    expect(
      listenerAcceptsRoute(publicGateway, selected, 'team-a', labels),
    ).toEqual({
      accepted: false,
      because:
        "it takes routes only from namespaces labelled ingress=shared (allowedRoutes.namespaces.from: Selector), and 'team-a' is not",
    });
    expect(
      listenerAcceptsRoute(publicGateway, selected, 'team-c', labels).accepted,
    ).toBeUndefined();
  });

  it('takes HTTPRoutes only where kinds or the protocol allow them', () => {
    const gw = k8sGateway('gw', 'g', [
      rawListener('grpc-only', {
        allowedRoutes: { ...fromAll, kinds: [{ kind: 'GRPCRoute' }] },
      }),
      rawListener('tls', {
        protocol: 'TLS',
        port: 8443,
        allowedRoutes: fromAll,
      }),
    ]);
    expect(listenerAcceptsRoute(gw, gw.listeners[0], 'a', {})).toEqual({
      accepted: false,
      because: 'it takes only GRPCRoute',
    });
    expect(listenerAcceptsRoute(gw, gw.listeners[1], 'a', {})).toEqual({
      accepted: false,
      because: 'its protocol TLS takes no HTTPRoutes',
    });
  });
});

describe('httpRouteAttachmentFindings', () => {
  it('finds nothing wrong with a route on a listener that takes it', () => {
    expect(httpRouteAttachmentFindings(model, route('team-a', 'cart'))).toEqual(
      [],
    );
  });

  it('reports a missing Gateway as a missing reference (IST0101)', () => {
    const r = route('team-a', 'cart', {
      parentRefs: [{ name: 'absent', namespace: INGRESS }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      {
        id: 'gateway-not-found',
        severity: 'error',
        code: 'IST0101',
        object: 'istio-ingress/Gateway/absent',
        message: 'Gateway istio-ingress/absent does not exist',
        missingReference: true,
      },
    ]);
  });

  it('reports a sectionName or port the Gateway has no listener for', () => {
    const r = route('team-a', 'cart', {
      parentRefs: [{ ...PUBLIC, sectionName: 'https', port: 8443 }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      expect.objectContaining({
        id: 'httproute-listener-not-found',
        missingReference: true,
        message: expect.stringContaining(
          "Gateway istio-ingress/public has no listener named 'https' on port 8443 (it has https (HTTPS 443 *.shop.example.com), internal (HTTPS 8443 *.internal.example.com)",
        ),
      }),
    ]);
  });

  it('refuses a listener that does not take routes from the namespace', () => {
    const r = route('team-a', 'cart', {
      hostnames: ['cart.internal.example.com'],
      parentRefs: [{ ...PUBLIC, sectionName: 'internal' }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      {
        id: 'httproute-not-allowed',
        severity: 'error',
        object: 'team-a/HTTPRoute/cart',
        message:
          "Gateway istio-ingress/public does not take HTTPRoutes from namespace 'team-a' (listener 'internal': it takes routes only from its own namespace 'istio-ingress' (allowedRoutes.namespaces.from: Same)): the route would not be attached (Accepted=False, NotAllowedByListeners)",
        fix: "Ask the owners of Gateway istio-ingress/public to allow namespace 'team-a' in the listener's allowedRoutes (from: Selector with a label of the namespace, or All), or attach to a Gateway that allows it",
      },
    ]);
  });

  it('attaches through any listener that takes it when no sectionName is given', () => {
    const r = route('team-b', 'partners', {
      hostnames: ['api.partners.example.com'],
      parentRefs: [PUBLIC],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([]);
  });

  it('warns when the namespace labels a Selector needs are not known', () => {
    const r = route('team-c', 'partners', {
      hostnames: ['api.partners.example.com'],
      parentRefs: [{ ...PUBLIC, sectionName: 'selected' }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      expect.objectContaining({
        id: 'httproute-namespace-labels-unknown',
        severity: 'warning',
      }),
    ]);
  });

  it('refuses hostnames that intersect no listener hostname', () => {
    const r = route('team-a', 'cart', { hostnames: ['shop.example.com'] });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      expect.objectContaining({
        id: 'httproute-hostname-not-matched',
        severity: 'error',
        message:
          'none of the hostnames shop.example.com intersects a listener of Gateway istio-ingress/public (https: *.shop.example.com): the route would not be attached (Accepted=False, NoMatchingListenerHostname)',
      }),
    ]);
  });

  it('reports hostnames the Gateway would ignore: refused before writing, a warning in the status', () => {
    const r = route('team-a', 'cart', {
      hostnames: ['cart.shop.example.com', 'cart.example.net'],
    });
    const ignored = {
      id: 'httproute-hostname-ignored',
      object: 'team-a/HTTPRoute/cart',
      message:
        'hostname cart.example.net of HTTPRoute team-a/cart intersects no listener it is attached to: the Gateway ignores it',
    };
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      expect.objectContaining({ ...ignored, severity: 'error' }),
    ]);
    expect(
      httpRouteAttachmentFindings(model, r, { purpose: 'status' }),
    ).toEqual([expect.objectContaining({ ...ignored, severity: 'warning' })]);
  });

  it('warns about a hostname served only without TLS', () => {
    const r = route('team-a', 'cart', {
      parentRefs: [{ ...PUBLIC, sectionName: 'http' }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([
      expect.objectContaining({
        id: 'host-served-without-tls',
        severity: 'warning',
      }),
    ]);
    // attached to both: served with TLS too
    expect(
      httpRouteAttachmentFindings(
        model,
        route('team-a', 'cart', { parentRefs: [PUBLIC] }),
      ),
    ).toEqual([]);
  });

  it('leaves parentRefs that are not Gateways alone (mesh routing)', () => {
    const r = route('team-a', 'mesh', {
      parentRefs: [{ group: '', kind: 'Service', name: 'checkout' }],
    });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([]);
  });
});

describe('hostname conflicts between teams', () => {
  const older = route('team-b', 'storefront', {}, '2025-01-01T00:00:00Z');
  const withOlder = { ...model, httpRoutes: [older] };

  it("refuses a hostname another team's older route has on the same listener", () => {
    const newcomer = route('team-a', 'cart');
    expect(httpRouteHostnameConflictFindings(withOlder, newcomer)).toEqual([
      {
        id: 'httproute-hostname-conflict',
        severity: 'error',
        object: 'team-a/HTTPRoute/cart',
        message:
          "hostname cart.shop.example.com on listener 'https' of Gateway istio-ingress/public is already attached by HTTPRoute team-b/storefront of namespace 'team-b'; the Gateway API gives it to team-b/storefront (the older route wins), so requests both routes match would not reach this one; Meshdeck does not let two namespaces share a hostname on a listener",
        fix: 'Choose another hostname, or ask the owners of team-b/storefront',
      },
    ]);
  });

  it('refuses a more specific hostname that would take requests from an older wildcard route', () => {
    const wildcard = route(
      'team-b',
      'everything',
      { hostnames: ['*.shop.example.com'] },
      '2025-01-01T00:00:00Z',
    );
    const findings = httpRouteHostnameConflictFindings(
      { ...model, httpRoutes: [wildcard] },
      route('team-a', 'cart'),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          "hostname cart.shop.example.com on listener 'https' of Gateway istio-ingress/public is attached by HTTPRoute team-b/everything of namespace 'team-b'; requests both routes match would go to this one instead of it (the more specific hostname wins)",
      }),
    ]);
  });

  it('sees the conflict on a listener a route attaches to without sectionName', () => {
    const newcomer = route('team-a', 'cart', { parentRefs: [PUBLIC] });
    const found = httpRouteHostnameConflictFindings(withOlder, newcomer);
    expect(found.map(f => f.message)).toEqual([
      expect.stringContaining("on listener 'https'"),
    ]);
  });

  it('lets one team split a hostname over several routes', () => {
    const mine = route('team-b', 'storefront-api');
    expect(httpRouteHostnameConflictFindings(withOlder, mine)).toEqual([]);
  });

  it('ignores other listeners and hostnames that do not intersect', () => {
    expect(
      httpRouteHostnameConflictFindings(
        withOlder,
        route('team-a', 'cart', {
          parentRefs: [{ ...PUBLIC, sectionName: 'http' }],
        }),
      ),
    ).toEqual([]);
    expect(
      httpRouteHostnameConflictFindings(
        withOlder,
        route('team-a', 'pay', { hostnames: ['pay.shop.example.com'] }),
      ),
    ).toEqual([]);
  });

  it('only warns about a conflict the route already had', () => {
    const existing = route('team-a', 'cart', {}, '2025-02-01T00:00:00Z');
    const update = route('team-a', 'cart', {
      rules: [{ backendRefs: [backend('multi', 8080)] }],
    });
    expect(
      httpRouteHostnameConflictFindings(
        {
          ...model,
          httpRoutes: [older, { ...update, createdAt: existing.createdAt }],
        },
        { ...update, createdAt: existing.createdAt },
        { purpose: 'preflight', previous: existing },
      ).map(f => f.severity),
    ).toEqual(['warning']);
  });

  it('breaks a tie in age by namespace/name', () => {
    const a = route('team-a', 'cart', {}, '2025-01-01T00:00:00Z');
    expect(
      httpRouteHostnameConflicts({ ...model, httpRoutes: [older, a] }),
    ).toEqual([
      {
        gateway: 'istio-ingress/public',
        listener: 'https',
        hostname: 'cart.shop.example.com',
        winner: { route: 'team-a/cart', hostname: 'cart.shop.example.com' },
        loser: {
          route: 'team-b/storefront',
          hostname: 'cart.shop.example.com',
        },
        because: 'first by namespace/name',
      },
    ]);
  });

  it('tells the status which route loses', () => {
    const newer = route('team-a', 'cart', {}, '2025-03-01T00:00:00Z');
    const both = { ...model, httpRoutes: [older, newer] };
    expect(
      httpRouteHostnameConflictFindings(both, newer, { purpose: 'status' }),
    ).toEqual([
      {
        id: 'httproute-hostname-conflict',
        severity: 'warning',
        object: 'team-a/HTTPRoute/cart',
        message:
          "HTTPRoute team-a/cart shares hostname cart.shop.example.com on listener 'https' of Gateway istio-ingress/public with HTTPRoute team-b/storefront of namespace 'team-b', which gets the requests both match (the older route wins)",
        fix: 'Agree with the owners of team-b/storefront which route serves cart.shop.example.com; remove it from the other one',
      },
    ]);
    expect(
      httpRouteHostnameConflictFindings(both, older, { purpose: 'status' }),
    ).toEqual([]);
    expect(httpRouteHostnameConflicts(both)).toEqual([
      expect.objectContaining({
        winner: {
          route: 'team-b/storefront',
          hostname: 'cart.shop.example.com',
        },
        loser: { route: 'team-a/cart', hostname: 'cart.shop.example.com' },
        because: 'older route',
      }),
    ]);
  });
});

describe('httpRouteBackendFindings', () => {
  const withRules = (rules: Array<Record<string, unknown>>) =>
    route('team-a', 'cart', { rules });

  it('finds nothing wrong with a Service that exposes the port', () => {
    expect(
      httpRouteBackendFindings(
        model,
        withRules([{ backendRefs: [backend('checkout', 8080)] }]),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'a missing Service (IST0101)',
      backend('ghost', 80),
      {
        id: 'destination-not-found',
        code: 'IST0101',
        message: 'backend Service team-a/ghost does not exist',
        missingReference: true,
      },
    ],
    [
      'a port the Service does not expose (IST0112)',
      backend('checkout', 9090),
      {
        id: 'destination-port-not-exposed',
        code: 'IST0112',
        message:
          'Service team-a/checkout does not expose port 9090 (it exposes 8080)',
      },
    ],
    [
      'a Service without a port',
      backend('multi'),
      {
        id: 'backend-port-missing',
        message:
          'backendRef Service team-a/multi names no port; the Gateway API requires one for a Service',
      },
    ],
    [
      'a kind Istio does not route to',
      { group: 'example.io', kind: 'Bucket', name: 'b' },
      {
        id: 'backend-kind-unsupported',
        message:
          'backendRef example.io/Bucket team-a/b is not a kind Istio routes to (ResolvedRefs=False, InvalidKind)',
      },
    ],
  ])('reports %s', (_, ref, finding) => {
    expect(
      httpRouteBackendFindings(model, withRules([{ backendRefs: [ref] }])),
    ).toEqual([expect.objectContaining({ severity: 'error', ...finding })]);
  });

  it('judges only namespaces whose Services the model holds', () => {
    expect(
      httpRouteBackendFindings(
        model,
        withRules([
          { backendRefs: [backend('x', 80, { namespace: 'unread' })] },
        ]),
      ),
    ).toEqual([]);
  });
});

describe('httpRouteBackendAllowedFindings', () => {
  const policy = { allowed: ['team-b'] };
  it.each([
    [backend('checkout', 8080), []],
    [backend('storefront', 80, { namespace: 'team-b' }), []],
    [
      backend('kubernetes', 443, { namespace: 'default' }),
      [
        "destination kubernetes.default.svc.cluster.local is in namespace 'default'; routes written by templates in 'team-a' may reach only their own namespace and the namespaces named in istio.scaffolder.allowedDestinations (team-b)",
      ],
    ],
    [
      {
        group: 'networking.istio.io',
        kind: 'Hostname',
        name: 'metadata.internal',
      },
      [
        'destination metadata.internal is outside the cluster; routes written by templates may reach external hosts only when istio.scaffolder.allowedDestinations names them (team-b)',
      ],
    ],
  ])('%j → %j', (ref, messages) => {
    expect(
      httpRouteBackendAllowedFindings(
        model,
        policy,
        route('team-a', 'cart', { rules: [{ backendRefs: [ref] }] }),
      ).map(f => f.message),
    ).toEqual(messages);
  });
});

describe('httpRouteReferenceGrantFindings', () => {
  const cross = route('team-a', 'cart', {
    rules: [
      { backendRefs: [backend('storefront', 80, { namespace: 'team-b' })] },
    ],
  });
  const fromRoutes = [
    {
      group: 'gateway.networking.k8s.io',
      kind: 'HTTPRoute',
      namespace: 'team-a',
    },
  ];

  it('refuses a backend in another namespace without a ReferenceGrant, with the grant to add', () => {
    const [finding] = httpRouteReferenceGrantFindings(model, cross);
    expect(finding).toMatchObject({
      id: 'backend-ref-not-permitted',
      severity: 'error',
      object: 'team-a/HTTPRoute/cart',
      message:
        "backendRef Service team-b/storefront is in another namespace, and no ReferenceGrant in 'team-b' lets HTTPRoutes of 'team-a' reference it: the Gateway would refuse it (ResolvedRefs=False, RefNotPermitted) and answer 500",
    });
    expect(finding.fix).toBe(
      [
        "Ask the owners of namespace 'team-b' to grant it:",
        "kubectl apply -f - <<'EOF'",
        'apiVersion: gateway.networking.k8s.io/v1beta1',
        'kind: ReferenceGrant',
        'metadata:',
        '  name: httproute-team-a-to-service-storefront',
        '  namespace: team-b',
        'spec:',
        '  from:',
        '    - group: "gateway.networking.k8s.io"',
        '      kind: HTTPRoute',
        '      namespace: team-a',
        '  to:',
        '    - group: ""',
        '      kind: Service',
        '      name: storefront',
        'EOF',
      ].join('\n'),
    );
  });

  it.each([
    ['names the Service', [{ group: '', kind: 'Service', name: 'storefront' }]],
    ['names every Service of the namespace', [{ group: '', kind: 'Service' }]],
  ])('accepts it with a grant that %s', (_, to) => {
    const grant = referenceGrant('team-b', 'routes', fromRoutes, to);
    expect(
      httpRouteReferenceGrantFindings({ referenceGrants: [grant] }, cross),
    ).toEqual([]);
  });

  it.each([
    [
      'in the wrong namespace',
      referenceGrant('team-a', 'routes', fromRoutes, [
        { group: '', kind: 'Service' },
      ]),
    ],
    [
      'for another Service',
      referenceGrant('team-b', 'routes', fromRoutes, [
        { group: '', kind: 'Service', name: 'other' },
      ]),
    ],
    [
      'for routes of another namespace',
      referenceGrant(
        'team-b',
        'routes',
        [{ ...fromRoutes[0], namespace: 'team-c' }],
        [{ group: '', kind: 'Service' }],
      ),
    ],
    [
      'for Gateways, not HTTPRoutes',
      referenceGrant(
        'team-b',
        'routes',
        [{ ...fromRoutes[0], kind: 'Gateway' }],
        [{ group: '', kind: 'Service' }],
      ),
    ],
  ])('still refuses with a grant %s', (_, grant) => {
    expect(
      httpRouteReferenceGrantFindings({ referenceGrants: [grant] }, cross),
    ).toHaveLength(1);
  });
});

describe('httpRouteCertificateFindings', () => {
  it('accepts a hostname the wildcard certificate covers', () => {
    expect(
      httpRouteCertificateFindings(model, route('team-a', 'cart')),
    ).toEqual([]);
  });

  it('refuses a hostname two labels below the wildcard: the listener takes it, the certificate does not cover it', () => {
    const r = route('team-a', 'deep', { hostnames: ['a.b.shop.example.com'] });
    expect(httpRouteAttachmentFindings(model, r)).toEqual([]);
    expect(httpRouteCertificateFindings(model, r)).toEqual([
      {
        id: 'certificate-hosts-not-covered',
        severity: 'error',
        code: 'IST0161',
        object: 'istio-ingress/Secret/shop-wildcard',
        message:
          'The certificate (*.shop.example.com) does not cover a.b.shop.example.com: clients get a TLS name-mismatch error',
        fix: 'Issue a certificate that covers a.b.shop.example.com and store it in istio-ingress/shop-wildcard',
      },
    ]);
  });

  it('reports an expired certificate', () => {
    const r = route(INGRESS, 'ops', {
      hostnames: ['ops.internal.example.com'],
      parentRefs: [{ ...PUBLIC, sectionName: 'internal' }],
    });
    expect(httpRouteCertificateFindings(model, r)).toEqual([
      expect.objectContaining({ id: 'certificate-expired', code: 'IST0161' }),
    ]);
  });

  it('reports a missing Secret as a missing reference and an unreadable one', () => {
    const m = {
      ...model,
      credentials: [
        { namespace: INGRESS, name: 'shop-wildcard', exists: false },
        {
          namespace: INGRESS,
          name: 'partners-cert',
          exists: true,
          problem: 'the secret has no tls.crt',
        },
      ],
    };
    expect(httpRouteCertificateFindings(m, route('team-a', 'cart'))).toEqual([
      expect.objectContaining({
        id: 'gateway-credential-missing',
        missingReference: true,
        fix: 'kubectl create secret tls shop-wildcard -n istio-ingress --cert=tls.crt --key=tls.key',
      }),
    ]);
    expect(
      httpRouteCertificateFindings(
        m,
        route('team-b', 'p', {
          hostnames: ['api.partners.example.com'],
          parentRefs: [{ ...PUBLIC, sectionName: 'selected' }],
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        id: 'gateway-credential-unusable',
        message: expect.stringContaining('the secret has no tls.crt'),
      }),
    ]);
  });

  it('counts a hostname as covered when any certificate of the listener covers it', () => {
    const gw = k8sGateway(INGRESS, 'dual', [
      rawListener('https', {
        certificates: ['rsa', 'other'],
        allowedRoutes: fromAll,
      }),
    ]);
    const m = gatewayApiModel({
      gateways: [gw],
      credentials: [
        credential(INGRESS, 'rsa', ['a.example.com']),
        credential(INGRESS, 'other', ['b.example.com']),
      ],
    });
    const r = (hostnames: string[]) =>
      route('team-a', 'r', {
        hostnames,
        parentRefs: [{ name: 'dual', namespace: INGRESS }],
      });
    expect(
      httpRouteCertificateFindings(m, r(['a.example.com', 'b.example.com'])),
    ).toEqual([]);
    expect(
      httpRouteCertificateFindings(
        m,
        r(['a.example.com', 'c.example.com']),
      ).map(f => f.message),
    ).toEqual([
      'The certificate (a.example.com) does not cover c.example.com: clients get a TLS name-mismatch error',
    ]);
  });
});

describe('httpRouteUnreachableFindings', () => {
  it('warns about a match an earlier rule already has (KIA1105)', () => {
    const r = route('team-a', 'cart', {
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          backendRefs: [backend('checkout', 8080)],
        },
        {
          matches: [{ path: { value: '/api/' } }, { path: { value: '/web' } }],
          backendRefs: [backend('multi', 80)],
        },
      ],
    });
    expect(httpRouteUnreachableFindings(r)).toEqual([
      {
        id: 'route-unreachable',
        severity: 'warning',
        code: 'KIA1105',
        object: 'team-a/HTTPRoute/cart',
        message:
          'rule 2 matches PathPrefix /api like rule 1; the later one never gets those requests',
      },
    ]);
  });
});

describe('httpRouteFindings', () => {
  it('runs every rule before writing, and leaves certificates to the status otherwise', () => {
    const r = route('team-a', 'deep', {
      hostnames: ['a.b.shop.example.com'],
      rules: [
        {
          backendRefs: [
            backend('storefront', 80, { namespace: 'team-b' }),
            backend('ghost', 80),
          ],
        },
      ],
    });
    const ids = (purpose: 'preflight' | 'status') =>
      httpRouteFindings(model, r, {
        purpose,
        policy: { allowed: [] },
      }).map(f => f.id);
    expect(ids('preflight')).toEqual([
      'destination-not-found',
      'backend-ref-not-permitted',
      'certificate-hosts-not-covered',
      'destination-not-allowed',
    ]);
    expect(ids('status')).toEqual([
      'destination-not-found',
      'backend-ref-not-permitted',
      'destination-not-allowed',
    ]);
  });
});
