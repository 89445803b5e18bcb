import {
  parseAuthorizationPolicy,
  parseDestinationRule,
  parseGateway,
  parseService,
  parseVirtualService,
  trafficSchema,
} from '@meshdeck/plugin-istio-common';
import { assembleTraffic, entityServices, TrafficWorkload } from './traffic';

const meta = (namespace: string, name: string) => ({ namespace, name });

const checkout = parseService({
  metadata: meta('shop', 'checkout'),
  spec: { selector: { app: 'checkout' }, ports: [{ port: 8080 }] },
});
const admin = parseService({
  metadata: meta('shop', 'checkout-admin'),
  spec: { ports: [{ port: 9090 }] },
});
const other = parseService({
  metadata: meta('shop', 'other'),
  spec: { selector: { app: 'other' } },
});

const publicGateway = parseGateway({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: meta('istio-ingress', 'public'),
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, protocol: 'HTTPS' },
        hosts: ['*/*.shop.example'],
        tls: { mode: 'SIMPLE', credentialName: 'shop-cert' },
      },
      {
        port: { number: 80, protocol: 'HTTP' },
        hosts: ['./*.shop.example'],
        tls: { httpsRedirect: true },
      },
      {
        port: { number: 443, protocol: 'HTTPS' },
        hosts: ['admin.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'admin-cert' },
      },
    ],
  },
});
const unusedGateway = parseGateway({
  metadata: meta('istio-ingress', 'unused'),
  spec: { servers: [] },
});

const checkoutRoutes = parseVirtualService({
  metadata: meta('shop', 'checkout'),
  spec: {
    hosts: ['checkout.shop.example'],
    gateways: ['istio-ingress/public', 'mesh'],
    http: [
      {
        match: [{ uri: { prefix: '/v2' } }],
        route: [
          { destination: { host: 'checkout', subset: 'v1' }, weight: 80 },
          { destination: { host: 'checkout', subset: 'v2' }, weight: 20 },
        ],
      },
      {
        route: [
          {
            destination: {
              host: 'checkout-admin.shop.svc.cluster.local',
              port: { number: 9090 },
            },
          },
        ],
      },
    ],
  },
});
const meshOnly = parseVirtualService({
  metadata: meta('shop', 'internal'),
  spec: {
    hosts: ['checkout'],
    http: [{ route: [{ destination: { host: 'checkout' } }] }],
  },
});
const elsewhere = parseVirtualService({
  metadata: meta('shop', 'elsewhere'),
  spec: {
    hosts: ['other.shop.example'],
    gateways: ['istio-ingress/unused'],
    http: [{ route: [{ destination: { host: 'other' } }] }],
  },
});

const subsets = parseDestinationRule({
  metadata: meta('shop', 'checkout'),
  spec: {
    host: 'checkout',
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ],
  },
});
const otherRule = parseDestinationRule({
  metadata: meta('shop', 'other'),
  spec: { host: 'other' },
});

const policy = (name: string, spec: unknown) =>
  parseAuthorizationPolicy({ metadata: meta('shop', name), spec });

const workload = (
  name: string,
  labels: Record<string, string>,
  pods = 1,
): TrafficWorkload => ({
  kind: 'Deployment',
  name,
  namespace: 'shop',
  pods: Array.from({ length: pods }, (_, i) => ({
    name: `${name}-${i}`,
    phase: 'Running',
    ready: true,
    restarts: 0,
    sidecar: { injected: true, native: false },
  })),
  labels,
});
const workloads = [
  workload('checkout-v1', { app: 'checkout', version: 'v1' }, 2),
  workload('checkout-v2', { app: 'checkout', version: 'v2' }),
];

describe('entityServices', () => {
  it('takes the Services selecting a pod of the entity in its namespace, and those named', () => {
    const pods = [{ namespace: 'shop', labels: { app: 'checkout' } }];
    expect(
      entityServices([checkout, admin, other], pods).map(s => s.ref),
    ).toEqual(['shop/checkout']);
    expect(
      entityServices([checkout, admin, other], pods, ['checkout-admin']).map(
        s => s.ref,
      ),
    ).toEqual(['shop/checkout', 'shop/checkout-admin']);
    expect(
      entityServices(
        [checkout],
        [{ namespace: 'payments', labels: { app: 'checkout' } }],
      ),
    ).toEqual([]);
  });
});

describe('assembleTraffic', () => {
  const assembled = () =>
    assembleTraffic({
      services: [checkout, admin],
      virtualServices: [checkoutRoutes, meshOnly, elsewhere],
      gateways: [publicGateway, unusedGateway],
      destinationRules: [subsets, otherRule],
      authorizationPolicies: [
        policy('checkout', {
          selector: { matchLabels: { app: 'checkout' } },
          rules: [{}, {}],
        }),
        policy('namespace', { action: 'DENY' }),
        policy('empty', { selector: { matchLabels: {} } }),
        policy('cart', { selector: { matchLabels: { app: 'cart' } } }),
      ],
      workloads,
    });

  it('shows the configuration touching the entity, in the status shape', () => {
    const { traffic } = assembled();
    expect(trafficSchema.parse(traffic)).toEqual(traffic);
    expect(traffic).toEqual({
      gateways: [
        {
          ref: 'istio-ingress/public',
          hosts: ['*.shop.example', 'admin.example.com'],
          servers: [
            {
              port: 443,
              protocol: 'HTTPS',
              hosts: ['*.shop.example'],
              tlsMode: 'SIMPLE',
              credentialName: 'shop-cert',
            },
            {
              port: 80,
              protocol: 'HTTP',
              hosts: ['*.shop.example'],
              httpsRedirect: true,
            },
            {
              port: 443,
              protocol: 'HTTPS',
              hosts: ['admin.example.com'],
              tlsMode: 'SIMPLE',
              credentialName: 'admin-cert',
            },
          ],
        },
      ],
      virtualServices: [
        {
          ref: 'shop/checkout',
          hosts: ['checkout.shop.example'],
          gateways: ['istio-ingress/public', 'mesh'],
          routes: [
            {
              match: '/v2',
              destinations: [
                {
                  host: 'checkout.shop.svc.cluster.local',
                  subset: 'v1',
                  weight: 80,
                },
                {
                  host: 'checkout.shop.svc.cluster.local',
                  subset: 'v2',
                  weight: 20,
                },
              ],
            },
            {
              destinations: [
                {
                  host: 'checkout-admin.shop.svc.cluster.local',
                  port: 9090,
                },
              ],
            },
          ],
        },
        {
          ref: 'shop/internal',
          hosts: ['checkout'],
          // the implicit `mesh` is not shown
          gateways: [],
          routes: [
            { destinations: [{ host: 'checkout.shop.svc.cluster.local' }] },
          ],
        },
      ],
      destinationRules: [
        {
          ref: 'shop/checkout',
          host: 'checkout.shop.svc.cluster.local',
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      ],
      authorizationPolicies: [
        {
          ref: 'shop/checkout',
          action: 'ALLOW',
          rules: 2,
          selector: { app: 'checkout' },
        },
        { ref: 'shop/namespace', action: 'DENY', rules: 0 },
      ],
    });
    // absent, not false, where the server does not say
    expect('httpsRedirect' in traffic.gateways[0].servers[0]).toBe(true);
    expect(traffic.gateways[0].servers[0].httpsRedirect).toBeUndefined();
  });

  it('names the gateway credentials that serve the entity hosts', () => {
    expect(assembled().credentials).toEqual([
      {
        gateway: 'istio-ingress/public',
        namespace: 'istio-ingress',
        credentialName: 'shop-cert',
        hosts: ['checkout.shop.example'],
      },
    ]);
  });

  it('draws host → gateway → route → Service → subset → workload', () => {
    const { topology } = assembled();
    expect(topology.nodes).toEqual([
      {
        id: 'vs:shop/checkout',
        kind: 'virtualService',
        label: 'checkout',
      },
      {
        id: 'host:checkout.shop.example',
        kind: 'host',
        label: 'checkout.shop.example',
      },
      {
        id: 'gateway:istio-ingress/public',
        kind: 'gateway',
        label: 'istio-ingress/public',
      },
      {
        id: 'service:checkout.shop.svc.cluster.local',
        kind: 'service',
        label: 'checkout',
      },
      {
        id: 'subset:checkout.shop.svc.cluster.local/v1',
        kind: 'subset',
        label: 'v1',
      },
      {
        id: 'workload:shop/checkout-v1',
        kind: 'workload',
        label: 'checkout-v1',
        podCount: 2,
      },
      {
        id: 'subset:checkout.shop.svc.cluster.local/v2',
        kind: 'subset',
        label: 'v2',
      },
      {
        id: 'workload:shop/checkout-v2',
        kind: 'workload',
        label: 'checkout-v2',
        podCount: 1,
      },
      {
        id: 'service:checkout-admin.shop.svc.cluster.local',
        kind: 'service',
        label: 'checkout-admin',
      },
      { id: 'vs:shop/internal', kind: 'virtualService', label: 'internal' },
      { id: 'host:checkout', kind: 'host', label: 'checkout' },
    ]);
    const svc = 'service:checkout.shop.svc.cluster.local';
    expect(topology.edges).toEqual([
      {
        from: 'host:checkout.shop.example',
        to: 'gateway:istio-ingress/public',
      },
      { from: 'gateway:istio-ingress/public', to: 'vs:shop/checkout' },
      { from: 'vs:shop/checkout', to: svc },
      {
        from: svc,
        to: 'subset:checkout.shop.svc.cluster.local/v1',
        weight: 80,
      },
      {
        from: 'subset:checkout.shop.svc.cluster.local/v1',
        to: 'workload:shop/checkout-v1',
      },
      {
        from: svc,
        to: 'subset:checkout.shop.svc.cluster.local/v2',
        weight: 20,
      },
      {
        from: 'subset:checkout.shop.svc.cluster.local/v2',
        to: 'workload:shop/checkout-v2',
      },
      {
        from: 'vs:shop/checkout',
        to: 'service:checkout-admin.shop.svc.cluster.local',
      },
      // a Service without a selector has no workloads
      { from: 'host:checkout', to: 'vs:shop/internal' },
      { from: 'vs:shop/internal', to: svc },
      { from: svc, to: 'workload:shop/checkout-v1' },
      { from: svc, to: 'workload:shop/checkout-v2' },
    ]);
  });

  it('shows nothing for an entity without Services', () => {
    const { traffic, topology, credentials } = assembleTraffic({
      services: [],
      virtualServices: [checkoutRoutes],
      gateways: [publicGateway],
      destinationRules: [subsets],
      authorizationPolicies: [],
      workloads,
    });
    expect(traffic.virtualServices).toEqual([]);
    expect(traffic.gateways).toEqual([]);
    expect(traffic.destinationRules).toEqual([]);
    expect(topology).toEqual({ nodes: [], edges: [] });
    expect(credentials).toEqual([]);
  });
});
