import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
  emptyGatewayApiModel,
  parseGateway,
  parseHttpRoute,
  parseK8sGateway,
  parseVirtualService,
} from '@meshdeck/plugin-istio-common';
import {
  backend,
  httpListener,
  httpsListener,
  parent,
  rawGateway,
  rawRoute,
} from '../status/gatewayApiTraffic.testObjects';
import {
  compareHosts,
  gatewayApiHosts,
  istioHosts,
  isWildcardHost,
  wildcardCovers,
} from './hosts';

const gateway = parseGateway(
  buildGateway(
    {
      name: 'public',
      namespace: 'istio-ingress',
      selector: { istio: 'ingressgateway' },
      hosts: ['a.shop.example', 'b.shop.example'],
      tls: { mode: 'credential', credentialName: 'shop-cert' },
      httpsRedirect: true,
    },
    DEFAULT_ISTIO_API_VERSIONS,
  ) as any,
);

const vs = (namespace: string, name: string, hosts: string[], id?: string) => {
  const parsed = parseVirtualService(
    buildVirtualService(
      {
        name,
        namespace,
        hosts,
        gateways: ['istio-ingress/public'],
        routes: [{ destinations: [{ host: name }] }],
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ) as any,
  );
  return id
    ? {
        ...parsed,
        labels: { ...parsed.labels, 'backstage.io/kubernetes-id': id },
      }
    : parsed;
};

describe('istioHosts', () => {
  it('lists each claimed host with its routes, and the unrouted ones with the Gateway', () => {
    const hosts = istioHosts(
      [gateway],
      [
        vs('shop', 'web', ['a.shop.example'], 'shop'),
        vs('shop', 'web-canary', ['a.shop.example']),
        vs('shop', 'stray', ['c.other.example']),
      ],
    );
    expect(hosts).toEqual([
      {
        host: 'a.shop.example',
        gateway: 'istio-ingress/public',
        api: 'istio',
        routes: [
          { kind: 'VirtualService', namespace: 'shop', name: 'web' },
          { kind: 'VirtualService', namespace: 'shop', name: 'web-canary' },
        ],
        secret: { namespace: 'istio-ingress', name: 'shop-cert' },
        keys: [
          {
            namespace: 'shop',
            labels: expect.objectContaining({
              'backstage.io/kubernetes-id': 'shop',
            }),
          },
          { namespace: 'shop', labels: expect.any(Object) },
        ],
      },
      {
        host: 'b.shop.example',
        gateway: 'istio-ingress/public',
        api: 'istio',
        routes: [],
        secret: { namespace: 'istio-ingress', name: 'shop-cert' },
        keys: [{ namespace: 'istio-ingress', labels: expect.any(Object) }],
      },
    ]);
    // two routes of one namespace on one host is no conflict here, and a
    // host the gateway does not serve is not one of its hosts
    expect(hosts.some(h => h.conflict)).toBe(false);
  });

  it('names the conflict when routes of two namespaces claim a host', () => {
    const hosts = istioHosts(
      [gateway],
      [
        vs('shop', 'web', ['a.shop.example']),
        vs('legacy', 'old-web', ['a.shop.example']),
      ],
    );
    const a = hosts.find(h => h.host === 'a.shop.example')!;
    expect(a.routes.map(r => r.namespace)).toEqual(['legacy', 'shop']);
    expect(a.conflict).toBe(
      "host a.shop.example on Gateway istio-ingress/public is already claimed by VirtualService shop/web in namespace 'shop'",
    );
    expect(hosts.find(h => h.host === 'b.shop.example')!.conflict).toBe(
      undefined,
    );
  });
});

describe('wildcard hosts', () => {
  it('tells wildcard patterns and what they cover', () => {
    expect(isWildcardHost('*.shop.example')).toBe(true);
    expect(isWildcardHost('*')).toBe(true);
    expect(isWildcardHost('shop/*.shop.example')).toBe(true);
    expect(isWildcardHost('a.shop.example')).toBe(false);
    expect(isWildcardHost('a.*.example')).toBe(false);
    expect(wildcardCovers('*.shop.example', 'a.shop.example')).toBe(true);
    expect(wildcardCovers('*.shop.example', 'A.b.Shop.example')).toBe(true);
    expect(wildcardCovers('*.shop.example', '*.eu.shop.example')).toBe(true);
    expect(wildcardCovers('*.shop.example', 'shop.example')).toBe(false);
    expect(wildcardCovers('*.shop.example', 'a.other.example')).toBe(false);
    expect(wildcardCovers('*.shop.example', '*.shop.example')).toBe(false);
    expect(wildcardCovers('*', 'anything.example')).toBe(true);
    expect(wildcardCovers('a.shop.example', 'a.shop.example')).toBe(false);
  });

  it('marks an Istio wildcard server host as a wildcard listener with the routed hosts under it, not as a conflict', () => {
    const wildcardGateway = parseGateway(
      buildGateway(
        {
          name: 'public',
          namespace: 'istio-ingress',
          selector: { istio: 'ingressgateway' },
          hosts: ['*.shop.example', 'admin.example.org'],
          tls: { mode: 'credential', credentialName: 'shop-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
    );
    const hosts = istioHosts(
      [wildcardGateway],
      [
        vs('shop', 'web', ['b.shop.example']),
        vs('billing', 'pay', ['a.shop.example']),
        vs('admin', 'admin', ['admin.example.org']),
      ],
    );
    expect(
      hosts.map(h => [h.host, h.routes.length, h.wildcard, h.conflict]),
    ).toEqual([
      ['b.shop.example', 1, undefined, undefined],
      ['a.shop.example', 1, undefined, undefined],
      ['admin.example.org', 1, undefined, undefined],
      [
        '*.shop.example',
        0,
        { covers: ['a.shop.example', 'b.shop.example'] },
        undefined,
      ],
    ]);
    // the wildcard row is the Gateway's; its routed hosts are their routes'
    expect(hosts[3].keys).toEqual([
      { namespace: 'istio-ingress', labels: expect.any(Object) },
    ]);
  });

  it('says a wildcard covers nothing yet when no route is under it', () => {
    const [only] = istioHosts(
      [
        parseGateway(
          buildGateway(
            {
              name: 'public',
              namespace: 'istio-ingress',
              selector: { istio: 'ingressgateway' },
              hosts: ['*.shop.example'],
              tls: { mode: 'credential', credentialName: 'shop-cert' },
              httpsRedirect: false,
            },
            DEFAULT_ISTIO_API_VERSIONS,
          ) as any,
        ),
      ],
      [],
    );
    expect(only).toMatchObject({
      host: '*.shop.example',
      routes: [],
      wildcard: { covers: [] },
    });
  });
});

describe('gatewayApiHosts', () => {
  const model = (routes: any[], gateways: any[]) => ({
    ...emptyGatewayApiModel(),
    gateways: gateways.map(parseK8sGateway),
    httpRoutes: routes.map(parseHttpRoute),
  });

  it('lists route hostnames per listener, the unrouted listeners, not waypoints, and conflicts across namespaces', () => {
    const hosts = gatewayApiHosts(
      model(
        [
          rawRoute(
            'store',
            'front',
            {
              hostnames: ['shop.store.example'],
              parentRefs: [parent('edge', 'public', 'https')],
              rules: [{ backendRefs: [backend('front', 80)] }],
            },
            undefined,
            '2026-01-01T00:00:00Z',
          ),
          rawRoute(
            'intruder',
            'grab',
            {
              hostnames: ['shop.store.example'],
              parentRefs: [parent('edge', 'public', 'https')],
              rules: [{ backendRefs: [backend('grab', 80)] }],
            },
            undefined,
            '2026-02-01T00:00:00Z',
          ),
        ],
        [
          rawGateway('edge', 'public', [
            httpsListener('https', '*.store.example', ['store-cert']),
            httpListener('plain', 'plain.store.example'),
          ]),
          rawGateway(
            'edge',
            'waypoint',
            [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
            { className: 'istio-waypoint' },
          ),
        ],
      ),
    );
    expect(hosts.map(h => [h.host, h.listener, h.routes.length])).toEqual([
      ['shop.store.example', 'https', 2],
      ['*.store.example', 'https', 0],
      ['plain.store.example', 'plain', 0],
    ]);
    const shop = hosts[0];
    expect(shop).toMatchObject({
      gateway: 'edge/public',
      api: 'gateway-api',
      secret: { namespace: 'edge', name: 'store-cert' },
      routes: [
        { kind: 'HTTPRoute', namespace: 'intruder', name: 'grab' },
        { kind: 'HTTPRoute', namespace: 'store', name: 'front' },
      ],
    });
    expect(shop.conflict).toMatch(
      /HTTPRoute intruder\/grab shares hostname shop\.store\.example .* with HTTPRoute store\/front of namespace 'store', which gets the requests both match \(the older route wins\)/,
    );
    expect(hosts[2].secret).toBeUndefined();
    // the wildcard listener covers the routed hostname on it, and is no
    // conflict itself
    expect(hosts[1]).toMatchObject({
      host: '*.store.example',
      wildcard: { covers: ['shop.store.example'] },
    });
    expect(hosts[1].conflict).toBeUndefined();
    expect(hosts[0].wildcard).toBeUndefined();
  });

  it('counts only the hostnames routed on the wildcard’s own listener', () => {
    const hosts = gatewayApiHosts(
      model(
        [
          rawRoute('store', 'front', {
            hostnames: ['shop.store.example'],
            parentRefs: [parent('edge', 'public', 'shop')],
            rules: [{ backendRefs: [backend('front', 80)] }],
          }),
        ],
        [
          rawGateway('edge', 'public', [
            httpsListener('https', '*.store.example', ['store-cert']),
            httpsListener('shop', 'shop.store.example', ['shop-cert']),
          ]),
        ],
      ),
    );
    expect(
      hosts.map(h => [h.host, h.listener, h.routes.length, h.wildcard]),
    ).toEqual([
      ['shop.store.example', 'shop', 1, undefined],
      ['*.store.example', 'https', 0, { covers: [] }],
    ]);
  });
});

describe('compareHosts', () => {
  it('puts conflicts first, then sorts by host', () => {
    const h = (host: string, conflict?: string) => ({
      cluster: 'east',
      gateway: 'g',
      host,
      conflict,
    });
    expect(
      [h('a'), h('c', 'x'), h('b')].sort(compareHosts).map(x => x.host),
    ).toEqual(['c', 'a', 'b']);
  });
});
