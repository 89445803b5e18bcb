import {
  emptyGatewayApiModel,
  GatewayApiModel,
  parseHttpRoute,
  parseK8sGateway,
  parseReferenceGrant,
  parseService,
  topologySchema,
  trafficSchema,
} from '@meshdeck/plugin-istio-common';
import type { DeploymentObject } from '../service/MeshReads';
import {
  gatewayApiConditionFindings,
  gatewayApiStatus,
  gatewayDeploymentFindings,
  gatewayDeploymentStatus,
  httpRoutesTo,
  mergeTopologies,
  namespacesForSelectors,
  needsReferenceGrants,
  parentGatewaysOf,
} from './gatewayApiTraffic';
import {
  backend,
  condition,
  httpListener,
  httpsListener,
  listenerOk,
  parent,
  rawGateway,
  rawRoute,
  rawServiceGrant,
  routeOk,
} from './gatewayApiTraffic.testObjects';
import type { TrafficWorkload } from './traffic';

const FQDN = 'checkout.shop.svc.cluster.local';
const CANARY = 'checkout-canary.shop.svc.cluster.local';

const service = (name: string, selector: Record<string, string>) =>
  parseService({
    metadata: { namespace: 'shop', name },
    spec: { selector, ports: [{ port: 8080 }] },
  });
const checkout = service('checkout', { app: 'checkout' });
const canary = service('checkout-canary', {
  app: 'checkout',
  track: 'canary',
});
const other = service('other', { app: 'other' });

const workload = (name: string, labels: Record<string, string>, pods = 2) =>
  ({
    kind: 'Deployment',
    name,
    namespace: 'shop',
    labels,
    pods: Array.from({ length: pods }, (_, i) => ({
      name: `${name}-${i}`,
      phase: 'Running',
      ready: true,
      restarts: 0,
      sidecar: { injected: true, native: false },
    })),
  } as TrafficWorkload);
const workloads = [
  workload('checkout', { app: 'checkout', track: 'stable' }),
  workload('checkout-canary', { app: 'checkout', track: 'canary' }, 1),
];

const publicGateway = parseK8sGateway(
  rawGateway(
    'istio-ingress',
    'public',
    [
      httpsListener('https', '*.shop.example', ['shop-cert']),
      httpListener('http', '*.shop.example'),
    ],
    {
      listeners: {
        https: { conditions: listenerOk, attachedRoutes: 1 },
        http: { conditions: listenerOk, attachedRoutes: 0 },
      },
    },
  ),
);
const checkoutRoute = parseHttpRoute(
  rawRoute('shop', 'checkout', {
    hostnames: ['checkout.shop.example'],
    parentRefs: [parent('istio-ingress', 'public', 'https')],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          backend('checkout', 8080, 90),
          backend('checkout-canary', 8080, 10),
        ],
      },
    ],
  }),
);
const otherRoute = parseHttpRoute(
  rawRoute('shop', 'other', {
    hostnames: ['other.shop.example'],
    parentRefs: [parent('istio-ingress', 'public')],
    rules: [{ backendRefs: [backend('other', 8080)] }],
  }),
);

const model = (extra: Partial<GatewayApiModel> = {}): GatewayApiModel => ({
  ...emptyGatewayApiModel(),
  gateways: [publicGateway],
  httpRoutes: [checkoutRoute, otherRoute],
  services: [checkout, canary, other],
  serviceNamespaces: ['shop'],
  namespaceLabels: { shop: {} },
  ...extra,
});

const readyDeployment: DeploymentObject = {
  metadata: { name: 'public-istio', namespace: 'istio-ingress' },
  spec: { replicas: 2 },
  status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
};

const known = { gateways: true, referenceGrants: true };

describe('gatewayApiTraffic', () => {
  it('finds the routes with a backend among the entity’s Services, and their Gateways', () => {
    expect(
      httpRoutesTo([checkoutRoute, otherRoute], [checkout]).map(r => r.ref),
    ).toEqual(['shop/checkout']);
    expect(httpRoutesTo([checkoutRoute], [other])).toEqual([]);
    expect(
      parentGatewaysOf([publicGateway], [checkoutRoute]).map(g => g.ref),
    ).toEqual(['istio-ingress/public']);
  });

  it('shows routes and Gateways, the topology with shares of the weights, the listener certificate and the Deployment', () => {
    const status = gatewayApiStatus({
      model: model(),
      known,
      services: [checkout, canary],
      workloads,
      deployments: new Map([['istio-ingress/public', readyDeployment]]),
    });
    expect(status.httpRoutes).toEqual([
      {
        ref: 'shop/checkout',
        hostnames: ['checkout.shop.example'],
        parents: [
          {
            gateway: 'istio-ingress/public',
            sectionName: 'https',
            listeners: ['https'],
            conditions: routeOk.map(({ type, status: s, reason, message }) => ({
              type,
              status: s,
              reason,
              message,
            })),
          },
        ],
        rules: [
          {
            matches: ['PathPrefix /'],
            backends: [
              { service: FQDN, port: 8080, weight: 90 },
              { service: CANARY, port: 8080, weight: 10 },
            ],
          },
        ],
      },
    ]);
    expect(status.k8sGateways).toEqual([
      {
        ref: 'istio-ingress/public',
        className: 'istio',
        listeners: [
          expect.objectContaining({
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: '*.shop.example',
            tlsMode: 'Terminate',
            certificateRefs: ['istio-ingress/shop-cert'],
            attachedRoutes: 1,
          }),
          expect.objectContaining({
            name: 'http',
            port: 80,
            protocol: 'HTTP',
            certificateRefs: [],
            attachedRoutes: 0,
          }),
        ],
        conditions: [
          expect.objectContaining({ type: 'Accepted', status: 'True' }),
          expect.objectContaining({ type: 'Programmed', status: 'True' }),
        ],
        deployment: {
          namespace: 'istio-ingress',
          name: 'public-istio',
          exists: true,
          ready: true,
          desired: 2,
          readyReplicas: 2,
          availableReplicas: 2,
        },
      },
    ]);
    expect(status.k8sGateways[0].listeners[1]).not.toHaveProperty('tlsMode');
    // the schema takes them
    expect(() =>
      trafficSchema.parse({
        gateways: [],
        virtualServices: [],
        destinationRules: [],
        authorizationPolicies: [],
        httpRoutes: status.httpRoutes,
        k8sGateways: status.k8sGateways,
      }),
    ).not.toThrow();

    expect(topologySchema.parse(status.topology)).toEqual({
      nodes: [
        { id: 'httproute:shop/checkout', kind: 'httpRoute', label: 'checkout' },
        {
          id: 'k8sgateway:istio-ingress/public',
          kind: 'gateway',
          label: 'istio-ingress/public',
        },
        {
          id: 'listener:istio-ingress/public#https',
          kind: 'listener',
          label: 'https · HTTPS 443',
        },
        {
          id: 'host:checkout.shop.example',
          kind: 'host',
          label: 'checkout.shop.example',
        },
        { id: `service:${FQDN}`, kind: 'service', label: 'checkout' },
        {
          id: 'workload:shop/checkout',
          kind: 'workload',
          label: 'checkout',
          podCount: 2,
        },
        {
          id: 'workload:shop/checkout-canary',
          kind: 'workload',
          label: 'checkout-canary',
          podCount: 1,
        },
        { id: `service:${CANARY}`, kind: 'service', label: 'checkout-canary' },
      ],
      edges: [
        {
          from: 'host:checkout.shop.example',
          to: 'k8sgateway:istio-ingress/public',
        },
        {
          from: 'k8sgateway:istio-ingress/public',
          to: 'listener:istio-ingress/public#https',
        },
        {
          from: 'listener:istio-ingress/public#https',
          to: 'httproute:shop/checkout',
        },
        { from: 'httproute:shop/checkout', to: `service:${FQDN}`, weight: 90 },
        { from: `service:${FQDN}`, to: 'workload:shop/checkout' },
        { from: `service:${FQDN}`, to: 'workload:shop/checkout-canary' },
        {
          from: 'httproute:shop/checkout',
          to: `service:${CANARY}`,
          weight: 10,
        },
        { from: `service:${CANARY}`, to: 'workload:shop/checkout-canary' },
      ],
    });
    expect(status.credentials).toEqual([
      {
        gateway: 'istio-ingress/public',
        namespace: 'istio-ingress',
        credentialName: 'shop-cert',
        hosts: ['checkout.shop.example'],
      },
    ]);
    expect(status.findings).toEqual([]);
  });

  it('draws relative weights as shares, and a single backend without one', () => {
    const route = parseHttpRoute(
      rawRoute('shop', 'split', {
        parentRefs: [parent('istio-ingress', 'public', 'https')],
        rules: [
          {
            backendRefs: [
              backend('checkout', 8080, 3),
              backend('checkout-canary', 8080),
            ],
          },
          {
            matches: [{ path: { type: 'Exact', value: '/health' } }],
            backendRefs: [backend('checkout', 8080)],
          },
        ],
      }),
    );
    const { topology, httpRoutes } = gatewayApiStatus({
      model: model({ httpRoutes: [route] }),
      known,
      services: [checkout, canary],
      workloads: [],
      deployments: new Map(),
    });
    expect(
      topology.edges.filter(e => e.from === 'httproute:shop/split'),
    ).toEqual([
      { from: 'httproute:shop/split', to: `service:${FQDN}`, weight: 75 },
      { from: 'httproute:shop/split', to: `service:${CANARY}`, weight: 25 },
    ]);
    // no hostnames: the listener's
    expect(
      topology.nodes.filter(n => n.kind === 'host').map(n => n.id),
    ).toEqual(['host:*.shop.example']);
    expect(httpRoutes[0].rules.map(r => r.matches)).toEqual([
      ['PathPrefix /'],
      ['Exact /health'],
    ]);
    // a wildcard host on a listener is a certificate host too
    expect(
      gatewayApiStatus({
        model: model({ httpRoutes: [route] }),
        known,
        services: [checkout],
        workloads: [],
        deployments: new Map(),
      }).credentials[0].hosts,
    ).toEqual(['*.shop.example']);
  });

  it('merges with the Istio topology by node id', () => {
    const istio = {
      nodes: [
        { id: `service:${FQDN}`, kind: 'service' as const, label: 'checkout' },
      ],
      edges: [{ from: 'vs:shop/checkout', to: `service:${FQDN}` }],
    };
    const merged = mergeTopologies(istio, {
      nodes: [
        { id: `service:${FQDN}`, kind: 'service', label: 'checkout' },
        { id: 'httproute:shop/checkout', kind: 'httpRoute', label: 'checkout' },
      ],
      edges: [
        { from: 'vs:shop/checkout', to: `service:${FQDN}`, weight: 5 },
        { from: 'httproute:shop/checkout', to: `service:${FQDN}` },
      ],
    });
    expect(merged.nodes.map(n => n.id)).toEqual([
      `service:${FQDN}`,
      'httproute:shop/checkout',
    ]);
    expect(merged.edges).toEqual([
      { from: 'vs:shop/checkout', to: `service:${FQDN}` },
      { from: 'httproute:shop/checkout', to: `service:${FQDN}` },
    ]);
  });

  it('turns False conditions into findings with their reason, Pending into a warning, and says when no controller decided', () => {
    const gateway = parseK8sGateway(
      rawGateway(
        'istio-ingress',
        'public',
        [httpsListener('https', '*.shop.example', ['shop-cert'])],
        {
          conditions: [
            condition('Accepted', 'True', 'Accepted'),
            condition(
              'Programmed',
              'False',
              'Pending',
              'Waiting for deployment',
            ),
          ],
          listeners: {
            https: {
              attachedRoutes: 1,
              conditions: [
                condition('Accepted', 'True', 'Accepted'),
                condition(
                  'ResolvedRefs',
                  'False',
                  'InvalidCertificateRef',
                  'invalid certificate reference istio-ingress/shop-cert',
                ),
                condition('Programmed', 'False', 'Invalid', 'Bad TLS'),
                // negative polarity: healthy when False, a problem when True
                condition('Conflicted', 'False', 'NoConflicts'),
                condition(
                  'OverlappingTLSConfig',
                  'True',
                  'OverlappingHostnames',
                  'shares a certificate with listener http',
                ),
              ],
            },
          },
        },
      ),
    );
    const route = parseHttpRoute(
      rawRoute(
        'shop',
        'checkout',
        {
          parentRefs: [
            parent('istio-ingress', 'public', 'https'),
            parent('istio-ingress', 'other'),
          ],
          rules: [{ backendRefs: [backend('checkout', 8080)] }],
        },
        [
          [
            condition('Accepted', 'True', 'Accepted'),
            condition(
              'ResolvedRefs',
              'False',
              'BackendNotFound',
              'backend(checkout.shop.svc.cluster.local) not found',
            ),
          ],
        ],
      ),
    );
    const unreported = parseK8sGateway(
      rawGateway('istio-ingress', 'other', [httpListener('http')], {
        className: 'acme',
        conditions: [
          condition('Accepted', 'Unknown', 'Pending', 'Waiting for controller'),
        ],
      }),
    );
    expect(
      gatewayApiConditionFindings([route], [gateway, unreported]).map(f => [
        f.id,
        f.severity,
        f.object,
        f.message,
      ]),
    ).toEqual([
      [
        'gateway-api-condition-false',
        'warning',
        'istio-ingress/Gateway/public',
        'Gateway istio-ingress/public: Programmed=False (Pending): Waiting for deployment',
      ],
      [
        'gateway-api-condition-false',
        'error',
        'istio-ingress/Gateway/public',
        "listener 'https' of Gateway istio-ingress/public: ResolvedRefs=False (InvalidCertificateRef): invalid certificate reference istio-ingress/shop-cert",
      ],
      [
        'gateway-api-condition-false',
        'error',
        'istio-ingress/Gateway/public',
        "listener 'https' of Gateway istio-ingress/public: Programmed=False (Invalid): Bad TLS",
      ],
      [
        'gateway-api-condition-true',
        'warning',
        'istio-ingress/Gateway/public',
        "listener 'https' of Gateway istio-ingress/public: OverlappingTLSConfig=True (OverlappingHostnames): shares a certificate with listener http",
      ],
      [
        'gateway-api-not-reconciled',
        'info',
        'istio-ingress/Gateway/other',
        "no controller has accepted Gateway istio-ingress/other yet (Accepted=Unknown, Pending): is GatewayClass 'acme' installed?",
      ],
      [
        'gateway-api-condition-false',
        'error',
        'shop/HTTPRoute/checkout',
        "HTTPRoute shop/checkout on Gateway istio-ingress/public (listener 'https'): ResolvedRefs=False (BackendNotFound): backend(checkout.shop.svc.cluster.local) not found",
      ],
      [
        'gateway-api-not-reconciled',
        'info',
        'shop/HTTPRoute/checkout',
        'no controller has reported on HTTPRoute shop/checkout for Gateway istio-ingress/other yet',
      ],
    ]);
  });

  it('judges the Deployment of a Gateway of class istio: missing, none ready, some ready, scaled to zero', () => {
    const status = (d: DeploymentObject | null) =>
      gatewayDeploymentStatus(publicGateway, d);
    const findings = (d: DeploymentObject | null) =>
      gatewayDeploymentFindings(publicGateway, status(d)).map(f => [
        f.id,
        f.severity,
        f.message,
      ]);
    expect(status(null)).toEqual({
      namespace: 'istio-ingress',
      name: 'public-istio',
      exists: false,
      ready: false,
      desired: 0,
      readyReplicas: 0,
    });
    expect(findings(null)).toEqual([
      [
        'gateway-deployment-missing',
        'error',
        'Gateway istio-ingress/public (class istio) has no Deployment istio-ingress/public-istio: istiod has not deployed it, so nothing serves its listeners',
      ],
    ]);
    expect(findings(readyDeployment)).toEqual([]);
    expect(findings({ ...readyDeployment, status: {} })).toEqual([
      [
        'gateway-deployment-not-ready',
        'error',
        'Deployment istio-ingress/public-istio of Gateway istio-ingress/public has 0 of 2 replicas ready',
      ],
    ]);
    expect(
      findings({
        ...readyDeployment,
        status: { readyReplicas: 1, availableReplicas: 1 },
      }),
    ).toEqual([
      [
        'gateway-deployment-not-ready',
        'warning',
        'Deployment istio-ingress/public-istio of Gateway istio-ingress/public has 1 of 2 replicas ready',
      ],
    ]);
    expect(
      findings({
        ...readyDeployment,
        status: { readyReplicas: 2, availableReplicas: 0 },
      })[0],
    ).toEqual([
      'gateway-deployment-not-ready',
      'error',
      'Deployment istio-ingress/public-istio of Gateway istio-ingress/public has 2 of 2 replicas ready, 0 available',
    ]);
    expect(
      findings({ ...readyDeployment, spec: { replicas: 0 } })[0][2],
    ).toContain('is scaled to 0 replicas');
    // no spec.replicas: the API server's default, 1
    expect(
      status({
        metadata: {},
        status: { readyReplicas: 1, availableReplicas: 1 },
      }),
    ).toMatchObject({ ready: true, desired: 1 });
  });

  it('reads no Deployment of a Gateway of another class, and shows none', () => {
    const acme = parseK8sGateway(
      rawGateway(
        'istio-ingress',
        'public',
        [httpsListener('https', '*.shop.example', ['shop-cert'])],
        { className: 'acme' },
      ),
    );
    const status = gatewayApiStatus({
      model: model({ gateways: [acme] }),
      known,
      services: [checkout],
      workloads: [],
      deployments: new Map(),
    });
    expect(status.k8sGateways[0]).not.toHaveProperty('deployment');
    expect(status.findings.map(f => f.id)).toEqual([]);
  });

  it('runs the rule book’s status rules over the routes and Gateways shown', () => {
    const conflicting = parseHttpRoute(
      rawRoute(
        'web',
        'older',
        {
          hostnames: ['checkout.shop.example'],
          parentRefs: [parent('istio-ingress', 'public', 'https')],
          rules: [{ backendRefs: [backend('web', 80)] }],
        },
        undefined,
        '2025-01-01T00:00:00Z',
      ),
    );
    const broken = parseHttpRoute(
      rawRoute('shop', 'checkout', {
        hostnames: ['checkout.shop.example', 'checkout.other.example'],
        parentRefs: [
          parent('istio-ingress', 'public', 'https'),
          parent('istio-ingress', 'gone'),
        ],
        rules: [
          {
            backendRefs: [
              backend('checkout', 8080),
              backend('checkout', 9999),
              backend('payments', 80, undefined, 'payments'),
            ],
          },
        ],
      }),
    );
    const status = gatewayApiStatus({
      model: model({ httpRoutes: [broken, conflicting] }),
      known,
      services: [checkout],
      workloads: [],
      deployments: new Map([['istio-ingress/public', readyDeployment]]),
    });
    expect(
      status.findings.map(f => [f.id, f.severity, f.object, f.code]),
    ).toEqual([
      ['gateway-not-found', 'error', 'istio-ingress/Gateway/gone', 'IST0101'],
      [
        'httproute-hostname-ignored',
        'warning',
        'shop/HTTPRoute/checkout',
        undefined,
      ],
      [
        'httproute-hostname-conflict',
        'warning',
        'shop/HTTPRoute/checkout',
        undefined,
      ],
      [
        'destination-port-not-exposed',
        'error',
        'shop/HTTPRoute/checkout',
        'IST0112',
      ],
      [
        'backend-ref-not-permitted',
        'error',
        'shop/HTTPRoute/checkout',
        undefined,
      ],
    ]);
    // the rule book's internal marker stays out of the answer
    expect(status.findings.some(f => 'missingReference' in f)).toBe(false);

    // with a grant, the cross-namespace backend is permitted
    const granted = gatewayApiStatus({
      model: model({
        httpRoutes: [broken],
        referenceGrants: [
          parseReferenceGrant(rawServiceGrant('payments', 'shop')),
        ],
      }),
      known,
      services: [checkout],
      workloads: [],
      deployments: new Map(),
    });
    expect(granted.findings.map(f => f.id)).not.toContain(
      'backend-ref-not-permitted',
    );
    // without the grants read, that rule is not judged; without the
    // Gateways, neither are attachment and hostnames
    const blind = gatewayApiStatus({
      model: model({ httpRoutes: [broken], gateways: [] }),
      known: { gateways: false, referenceGrants: false },
      services: [checkout],
      workloads: [],
      deployments: new Map(),
    });
    expect(blind.findings.map(f => f.id)).toEqual([
      'destination-port-not-exposed',
    ]);
    expect(blind.k8sGateways).toEqual([]);
    expect(blind.httpRoutes[0].parents.map(p => p.listeners)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('knows when ReferenceGrants and namespace labels matter', () => {
    expect(needsReferenceGrants([checkoutRoute], [publicGateway])).toBe(false);
    const crossRoute = parseHttpRoute(
      rawRoute('web', 'x', {
        parentRefs: [parent('istio-ingress', 'public')],
        rules: [{ backendRefs: [backend('checkout', 8080, 1, 'shop')] }],
      }),
    );
    expect(needsReferenceGrants([crossRoute], [])).toBe(true);
    const crossCert = parseK8sGateway(
      rawGateway('istio-ingress', 'public', [
        httpsListener('https', undefined, [
          { namespace: 'certs', name: 'shop-cert' },
        ]),
      ]),
    );
    expect(needsReferenceGrants([], [crossCert])).toBe(true);

    const selecting = parseK8sGateway(
      rawGateway('istio-ingress', 'public', [
        httpsListener('https', undefined, ['shop-cert'], {
          from: 'Selector',
          selector: { matchLabels: { shared: 'true' } },
        }),
      ]),
    );
    expect(namespacesForSelectors([crossRoute], [selecting])).toEqual(['web']);
    expect(namespacesForSelectors([crossRoute], [publicGateway])).toEqual([]);
  });
});
