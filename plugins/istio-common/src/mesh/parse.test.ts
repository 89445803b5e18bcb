import { MESH_GATEWAY } from './model';
import {
  isoTime,
  parseAuthorizationPolicy,
  parseDestinationRule,
  parseExternalSecret,
  parseGateway,
  parsePeerAuthentication,
  parseService,
  parseVirtualService,
} from './parse';

/** Objects as `kubectl get -o json` / the API server return them. */

const apiGateway = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: {
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"…"}',
    },
    creationTimestamp: '2025-02-03T10:11:12Z',
    generation: 3,
    labels: {
      'app.kubernetes.io/managed-by': 'meshdeck',
      'backstage.io/kubernetes-id': 'shop',
    },
    name: 'public-gateway',
    namespace: 'istio-ingress',
    resourceVersion: '48213',
    uid: '5d0a2b8e-7c43-4f0e-9a1d-2b5e6f7a8c9d',
  },
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        hosts: ['*/*.shop.example.com', './shop.example.com'],
        name: 'https-shop',
        port: { name: 'https', number: 443, protocol: 'HTTPS' },
        tls: { credentialName: 'shop-cert', mode: 'SIMPLE' },
      },
      {
        hosts: ['team-a/admin.example.com'],
        port: { name: 'http', number: 80, protocol: 'HTTP' },
        tls: { httpsRedirect: true },
      },
      {
        hosts: ['db.example.com'],
        port: { name: 'tls-passthrough', number: 15443, protocol: 'TLS' },
        tls: { mode: 'PASSTHROUGH' },
      },
    ],
  },
};

describe('parseGateway', () => {
  it('parses a Gateway as the API server returns it', () => {
    expect(parseGateway(apiGateway)).toEqual({
      kind: 'Gateway',
      namespace: 'istio-ingress',
      name: 'public-gateway',
      ref: 'istio-ingress/public-gateway',
      labels: {
        'app.kubernetes.io/managed-by': 'meshdeck',
        'backstage.io/kubernetes-id': 'shop',
      },
      createdAt: '2025-02-03T10:11:12Z',
      apiVersion: 'networking.istio.io/v1',
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: 443,
          protocol: 'HTTPS',
          name: 'https-shop',
          hosts: ['*.shop.example.com', 'shop.example.com'],
          bindings: [
            { namespace: '*', host: '*.shop.example.com' },
            // `./` is the Gateway's own namespace
            { namespace: 'istio-ingress', host: 'shop.example.com' },
          ],
          tls: {
            mode: 'SIMPLE',
            credentialName: 'shop-cert',
          },
        },
        {
          port: 80,
          protocol: 'HTTP',
          name: 'http',
          hosts: ['admin.example.com'],
          bindings: [{ namespace: 'team-a', host: 'admin.example.com' }],
          tls: {
            mode: undefined,
            credentialName: undefined,
            httpsRedirect: true,
          },
        },
        {
          port: 15443,
          protocol: 'TLS',
          name: 'tls-passthrough',
          hosts: ['db.example.com'],
          bindings: [{ namespace: '*', host: 'db.example.com' }],
          tls: {
            mode: 'PASSTHROUGH',
            credentialName: undefined,
          },
        },
      ],
    });
  });

  it.each([
    ['*/shop.example.com', 'shop.example.com'],
    ['./shop.example.com', 'shop.example.com'],
    ['team-a/shop.example.com', 'shop.example.com'],
    ['shop.example.com', 'shop.example.com'],
    ['*', '*'],
    ['*/*', '*'],
  ])('strips the namespace prefix of server host %s', (raw, host) => {
    const parsed = parseGateway({
      ...apiGateway,
      spec: { servers: [{ port: { number: 80 }, hosts: [raw] }] },
    });
    expect(parsed.servers[0].hosts).toEqual([host]);
  });

  it('reads the creation time of a client-node object (a Date)', () => {
    const parsed = parseGateway({
      ...apiGateway,
      metadata: {
        ...apiGateway.metadata,
        creationTimestamp: new Date('2025-02-03T10:11:12Z'),
      },
    });
    expect(parsed.createdAt).toBe('2025-02-03T10:11:12.000Z');
  });

  it('has no tls for a server without one, and reads a port given as a string', () => {
    const parsed = parseGateway({
      ...apiGateway,
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: '8080', name: 'http-alt', protocol: 'HTTP' },
            hosts: ['shop.example.com'],
          },
        ],
      },
    });
    expect(parsed.servers).toEqual([
      {
        port: 8080,
        protocol: 'HTTP',
        name: 'http-alt',
        hosts: ['shop.example.com'],
        bindings: [{ namespace: '*', host: 'shop.example.com' }],
      },
    ]);
    expect('tls' in parsed.servers[0]).toBe(false);
  });

  it('never throws on odd shapes and reads wrong-typed fields as absent', () => {
    const odd = {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'odd', namespace: 'istio-ingress' },
      spec: {
        selector: { istio: 'ingressgateway', replicas: 3, bad: null },
        servers: [
          {
            port: { number: 'https', protocol: 443 },
            hosts: ['ok.example.com', 7, null, { host: 'x' }],
          },
          'not-a-server',
          { hosts: 'not-a-list' },
        ],
      },
    };
    const parsed = parseGateway(odd);
    expect(parsed.selector).toEqual({ istio: 'ingressgateway' });
    expect(parsed.servers).toEqual([
      {
        port: 0,
        protocol: undefined,
        name: undefined,
        hosts: ['ok.example.com'],
        bindings: [{ namespace: '*', host: 'ok.example.com' }],
      },
      {
        port: 0,
        protocol: undefined,
        name: undefined,
        hosts: [],
        bindings: [],
      },
      {
        port: 0,
        protocol: undefined,
        name: undefined,
        hosts: [],
        bindings: [],
      },
    ]);
    expect(parseGateway({ metadata: {} })).toEqual({
      kind: 'Gateway',
      namespace: '',
      name: '',
      ref: '/',
      labels: {},
      selector: {},
      servers: [],
    });
    expect(parseGateway({ spec: 'garbage' }).servers).toEqual([]);
    expect(parseGateway({ spec: { servers: { port: 80 } } }).servers).toEqual(
      [],
    );
  });

  it('keeps httpsRedirect as written: absent when the server does not say', () => {
    const parsed = parseGateway({
      ...apiGateway,
      spec: {
        servers: [
          { port: { number: 443 }, hosts: ['a.example.com'], tls: {} },
          {
            port: { number: 80 },
            hosts: ['a.example.com'],
            tls: { httpsRedirect: false },
          },
          {
            port: { number: 81 },
            hosts: ['a.example.com'],
            tls: { httpsRedirect: 'yes' },
          },
        ],
      },
    });
    expect(parsed.servers.map(x => x.tls && 'httpsRedirect' in x.tls)).toEqual([
      false,
      true,
      false,
    ]);
    expect(parsed.servers[1].tls?.httpsRedirect).toBe(false);
  });

  // The parsers promise "a field of the wrong type is read as absent": a
  // server whose `tls` is null is not a TLS server. Read as `{}` it counts as
  // a TLS-terminating server in the host rules.
  it('reads a null tls as absent', () => {
    const parsed = parseGateway({
      ...apiGateway,
      spec: {
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: ['shop.example.com'],
            tls: null,
          },
        ],
      },
    });
    expect(parsed.servers[0].tls).toBeUndefined();
  });
});

const apiVirtualService = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    creationTimestamp: '2025-02-04T08:00:00Z',
    generation: 1,
    labels: { 'app.kubernetes.io/managed-by': 'meshdeck' },
    name: 'reviews',
    namespace: 'bookinfo',
    resourceVersion: '51022',
    uid: '9f1f3c55-8d3a-4f3e-8a77-1c2d3e4f5a6b',
  },
  spec: {
    gateways: ['public-gateway', 'istio-ingress/shared-gateway', 'mesh'],
    hosts: ['reviews', 'reviews.example.com'],
    http: [
      {
        match: [
          { uri: { prefix: '/v2' }, headers: { 'end-user': { exact: 'x' } } },
          { uri: { prefix: '/ignored-second-match' } },
        ],
        route: [
          {
            destination: {
              host: 'reviews',
              port: { number: 9080 },
              subset: 'v2',
            },
            weight: 80,
          },
          {
            destination: {
              host: 'reviews.bookinfo.svc.cluster.local',
              port: { number: 9080 },
              subset: 'v3',
            },
            weight: '20',
          },
        ],
        timeout: '5s',
      },
      {
        match: [{ uri: { exact: '/health' } }],
        route: [{ destination: { host: 'ratings.other.svc.cluster.local' } }],
      },
      {
        route: [
          {
            destination: {
              host: 'api.partner.example.com',
              port: { number: 443 },
            },
          },
        ],
      },
    ],
  },
};

describe('parseVirtualService', () => {
  it('parses a VirtualService as the API server returns it', () => {
    expect(parseVirtualService(apiVirtualService)).toEqual({
      kind: 'VirtualService',
      namespace: 'bookinfo',
      name: 'reviews',
      ref: 'bookinfo/reviews',
      labels: { 'app.kubernetes.io/managed-by': 'meshdeck' },
      createdAt: '2025-02-04T08:00:00Z',
      apiVersion: 'networking.istio.io/v1',
      hosts: ['reviews', 'reviews.example.com'],
      gateways: [
        'bookinfo/public-gateway',
        'istio-ingress/shared-gateway',
        MESH_GATEWAY,
      ],
      http: [
        {
          match: '/v2',
          matchKey:
            '[{"headers":{"end-user":{"exact":"x"}},"uri":{"prefix":"/v2"}},{"uri":{"prefix":"/ignored-second-match"}}]',
          destinations: [
            {
              host: 'reviews',
              fqdn: 'reviews.bookinfo.svc.cluster.local',
              service: { namespace: 'bookinfo', name: 'reviews' },
              port: 9080,
              subset: 'v2',
              weight: 80,
            },
            {
              host: 'reviews.bookinfo.svc.cluster.local',
              fqdn: 'reviews.bookinfo.svc.cluster.local',
              service: { namespace: 'bookinfo', name: 'reviews' },
              port: 9080,
              subset: 'v3',
              weight: 20,
            },
          ],
        },
        {
          match: '/health',
          matchKey: '[{"uri":{"exact":"/health"}}]',
          destinations: [
            {
              host: 'ratings.other.svc.cluster.local',
              fqdn: 'ratings.other.svc.cluster.local',
              service: { namespace: 'other', name: 'ratings' },
            },
          ],
        },
        {
          destinations: [
            {
              host: 'api.partner.example.com',
              fqdn: 'api.partner.example.com',
              port: 443,
            },
          ],
        },
      ],
    });
  });

  it('leaves optional fields out rather than undefined', () => {
    const parsed = parseVirtualService(apiVirtualService);
    const last = parsed.http[2];
    expect(Object.keys(last)).toEqual(['destinations']);
    expect(Object.keys(parsed.http[1].destinations[0]).sort()).toEqual([
      'fqdn',
      'host',
      'service',
    ]);
  });

  it.each([
    ['no gateways field', undefined],
    ['an empty list', []],
    ['garbage', 'public-gateway'],
  ])('binds to the mesh gateway with %s', (_, gateways) => {
    const parsed = parseVirtualService({
      ...apiVirtualService,
      spec: { ...apiVirtualService.spec, gateways },
    });
    expect(parsed.gateways).toEqual([MESH_GATEWAY]);
    expect(parsed.meshByDefault).toBe(true);
  });

  it('does not mark gateways written out, `mesh` included, as by default', () => {
    const parsed = parseVirtualService({
      ...apiVirtualService,
      spec: { ...apiVirtualService.spec, gateways: [MESH_GATEWAY] },
    });
    expect(parsed.gateways).toEqual([MESH_GATEWAY]);
    expect('meshByDefault' in parsed).toBe(false);
    expect('meshByDefault' in parseVirtualService(apiVirtualService)).toBe(
      false,
    );
  });

  it('resolves short destination names in the route namespace, not the gateway namespace', () => {
    const parsed = parseVirtualService({
      ...apiVirtualService,
      metadata: { ...apiVirtualService.metadata, namespace: 'team-a' },
      spec: {
        gateways: ['istio-ingress/public-gateway'],
        hosts: ['shop.example.com'],
        http: [{ route: [{ destination: { host: 'cart' } }] }],
      },
    });
    expect(parsed.gateways).toEqual(['istio-ingress/public-gateway']);
    expect(parsed.http[0].destinations[0]).toEqual({
      host: 'cart',
      fqdn: 'cart.team-a.svc.cluster.local',
      service: { namespace: 'team-a', name: 'cart' },
    });
  });

  it('names no Service for hosts that are not name.namespace.svc.cluster.local', () => {
    const hosts = [
      'kubernetes.default',
      'kubernetes.default.svc',
      '169.254.169.254',
      'a.b.ns.svc.cluster.local',
    ];
    const parsed = parseVirtualService({
      ...apiVirtualService,
      spec: {
        hosts: ['x.example.com'],
        http: [{ route: hosts.map(host => ({ destination: { host } })) }],
      },
    });
    expect(parsed.http[0].destinations).toEqual(
      hosts.map(host => ({ host, fqdn: host })),
    );
  });

  it('never throws on odd shapes', () => {
    const parsed = parseVirtualService({
      metadata: { name: 'odd', namespace: 'shop' },
      spec: {
        hosts: ['shop.example.com', 42],
        http: [
          'not-a-route',
          { match: 'nope', route: [{ destination: 'x' }, { weight: 'heavy' }] },
        ],
      },
    });
    expect(parsed.hosts).toEqual(['shop.example.com']);
    expect(parsed.http).toEqual([
      { destinations: [] },
      {
        destinations: [
          { host: '', fqdn: '.shop.svc.cluster.local' },
          { host: '', fqdn: '.shop.svc.cluster.local' },
        ],
      },
    ]);
  });
});

describe('parseDestinationRule', () => {
  const apiDestinationRule = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: {
      creationTimestamp: '2025-02-04T08:00:00Z',
      generation: 2,
      name: 'reviews',
      namespace: 'bookinfo',
      resourceVersion: '51023',
      uid: 'c2d3e4f5-0000-4f3e-8a77-1c2d3e4f5a6b',
    },
    spec: {
      host: 'reviews',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        {
          name: 'v2',
          labels: { version: 'v2', track: 'canary' },
          trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } },
        },
      ],
    },
  };

  it('resolves a short host in its own namespace and reads subsets', () => {
    expect(parseDestinationRule(apiDestinationRule)).toEqual({
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'reviews',
      ref: 'bookinfo/reviews',
      labels: {},
      createdAt: '2025-02-04T08:00:00Z',
      apiVersion: 'networking.istio.io/v1',
      host: 'reviews.bookinfo.svc.cluster.local',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2', track: 'canary' } },
      ],
    });
  });

  it('keeps a fully qualified or external host, and has no subsets without any', () => {
    const parsed = parseDestinationRule({
      ...apiDestinationRule,
      spec: { host: 'ratings.other.svc.cluster.local' },
    });
    expect(parsed.host).toBe('ratings.other.svc.cluster.local');
    expect(parsed.subsets).toEqual([]);
    expect(
      parseDestinationRule({
        ...apiDestinationRule,
        spec: { host: 'api.partner.example.com', subsets: [{ labels: 'x' }] },
      }),
    ).toMatchObject({
      host: 'api.partner.example.com',
      subsets: [{ name: '', labels: {} }],
    });
  });
});

describe('parseService', () => {
  const apiService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: '2025-01-10T12:00:00Z',
      labels: { app: 'ratings', service: 'ratings' },
      name: 'ratings',
      namespace: 'bookinfo',
      resourceVersion: '1201',
      uid: 'aa11bb22-cc33-4d44-8e55-66ff77889900',
    },
    spec: {
      clusterIP: '10.96.201.7',
      clusterIPs: ['10.96.201.7'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'http', port: 9080, protocol: 'TCP', targetPort: 9080 },
        { name: 'grpc', port: 9090, protocol: 'TCP', targetPort: 'grpc' },
      ],
      selector: { app: 'ratings' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };

  it('parses a Service as the API server returns it', () => {
    expect(parseService(apiService)).toEqual({
      kind: 'Service',
      namespace: 'bookinfo',
      name: 'ratings',
      ref: 'bookinfo/ratings',
      labels: { app: 'ratings', service: 'ratings' },
      createdAt: '2025-01-10T12:00:00Z',
      apiVersion: 'v1',
      fqdn: 'ratings.bookinfo.svc.cluster.local',
      ports: [9080, 9090],
      selector: { app: 'ratings' },
    });
  });

  it('reads an ExternalName Service without ports or selector', () => {
    const parsed = parseService({
      ...apiService,
      metadata: { ...apiService.metadata, name: 'partner' },
      spec: { type: 'ExternalName', externalName: 'api.partner.example.com' },
    });
    expect(parsed).toMatchObject({
      fqdn: 'partner.bookinfo.svc.cluster.local',
      ports: [],
      selector: {},
    });
  });
});

describe('parseAuthorizationPolicy', () => {
  const apiPolicy = {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: {
      creationTimestamp: '2025-02-05T09:00:00Z',
      name: 'checkout-viewer',
      namespace: 'shop',
      resourceVersion: '60001',
    },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      action: 'DENY',
      rules: [
        { from: [{ source: { namespaces: ['attacker'] } }] },
        { to: [{ operation: { methods: ['DELETE'] } }] },
      ],
    },
  };

  it('parses an AuthorizationPolicy as the API server returns it', () => {
    expect(parseAuthorizationPolicy(apiPolicy)).toEqual({
      kind: 'AuthorizationPolicy',
      namespace: 'shop',
      name: 'checkout-viewer',
      ref: 'shop/checkout-viewer',
      labels: {},
      createdAt: '2025-02-05T09:00:00Z',
      apiVersion: 'security.istio.io/v1',
      action: 'DENY',
      rules: 2,
      selector: { app: 'checkout' },
    });
  });

  it('defaults to ALLOW without rules, and has no selector without one', () => {
    const parsed = parseAuthorizationPolicy({
      ...apiPolicy,
      spec: {},
    });
    expect(parsed).toMatchObject({ action: 'ALLOW', rules: 0 });
    expect('selector' in parsed).toBe(false);
    expect('targetRefs' in parsed).toBe(false);
    // an empty matchLabels is written, and kept apart from none
    expect(
      parseAuthorizationPolicy({
        ...apiPolicy,
        spec: { selector: { matchLabels: {} } },
      }).selector,
    ).toEqual({});
  });

  it('reads targetRefs and the older targetRef', () => {
    expect(
      parseAuthorizationPolicy({
        ...apiPolicy,
        spec: {
          targetRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              name: 'waypoint',
            },
            { kind: 'Service', name: 'checkout', namespace: 'shop' },
            { kind: 'Service' },
          ],
        },
      }).targetRefs,
    ).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
      { kind: 'Service', name: 'checkout', namespace: 'shop' },
    ]);
    expect(
      parseAuthorizationPolicy({
        ...apiPolicy,
        spec: { targetRef: { group: '', kind: 'Service', name: 'checkout' } },
      }).targetRefs,
    ).toEqual([{ group: '', kind: 'Service', name: 'checkout' }]);
  });
});

describe('parsePeerAuthentication', () => {
  const apiPeerAuthentication = {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: {
      creationTimestamp: '2025-02-05T09:00:00Z',
      name: 'checkout',
      namespace: 'shop',
    },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { '8080': { mode: 'PERMISSIVE' }, bad: { mode: 'X' } },
    },
  };

  it('parses a PeerAuthentication as the API server returns it', () => {
    expect(parsePeerAuthentication(apiPeerAuthentication)).toEqual({
      kind: 'PeerAuthentication',
      namespace: 'shop',
      name: 'checkout',
      ref: 'shop/checkout',
      labels: {},
      createdAt: '2025-02-05T09:00:00Z',
      apiVersion: 'security.istio.io/v1',
      selector: { app: 'checkout' },
      mtlsMode: 'STRICT',
      portLevelMtls: [{ port: 8080, mode: 'PERMISSIVE' }],
    });
  });

  it('reads a namespace policy without selector or mode', () => {
    const parsed = parsePeerAuthentication({
      ...apiPeerAuthentication,
      spec: { selector: { matchLabels: null }, mtls: 'STRICT' },
    });
    expect(Object.keys(parsed)).not.toContain('selector');
    expect(Object.keys(parsed)).not.toContain('mtlsMode');
    expect(Object.keys(parsed)).not.toContain('portLevelMtls');
  });
});

describe('parseExternalSecret', () => {
  const apiExternalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: {
      annotations: {
        'force-sync': '1767225600',
        'meshdeck.io/acm-certificate-arn':
          'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      },
      creationTimestamp: '2025-02-05T09:00:00Z',
      name: 'shop-cert-sync',
      namespace: 'istio-ingress',
    },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
      target: { name: 'shop-cert', template: { type: 'kubernetes.io/tls' } },
      data: [
        { secretKey: 'tls.crt', remoteRef: { key: 'shop/cert' } },
        { secretKey: 'tls.key', remoteRef: { key: 'shop/key' } },
        { secretKey: 'broken' },
      ],
      dataFrom: [
        { extract: { key: 'shop/bundle' } },
        { find: { name: { regexp: '.*' } } },
        { key: 'legacy/bundle' },
      ],
    },
    status: {
      refreshTime: '2025-02-05T10:00:00Z',
      conditions: [
        { type: 'Other', status: 'True' },
        {
          type: 'Ready',
          status: 'False',
          reason: 'SecretSyncedError',
          message: 'could not get secret data from provider',
        },
      ],
    },
  };

  it('parses an ExternalSecret as the API server returns it', () => {
    expect(parseExternalSecret(apiExternalSecret)).toEqual({
      kind: 'ExternalSecret',
      namespace: 'istio-ingress',
      name: 'shop-cert-sync',
      ref: 'istio-ingress/shop-cert-sync',
      labels: {},
      createdAt: '2025-02-05T09:00:00Z',
      apiVersion: 'external-secrets.io/v1',
      targetName: 'shop-cert',
      refreshInterval: '1h',
      remoteKeys: ['shop/cert', 'shop/key', 'shop/bundle', 'legacy/bundle'],
      ready: {
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
      },
      refreshTime: '2025-02-05T10:00:00Z',
      annotations: apiExternalSecret.metadata.annotations,
    });
  });

  it('writes a Secret of its own name by default, and has no Ready without the condition', () => {
    const parsed = parseExternalSecret({
      ...apiExternalSecret,
      metadata: { name: 'plain', namespace: 'istio-ingress' },
      spec: {},
      status: { refreshTime: new Date('2025-02-05T10:00:00Z') },
    });
    expect(parsed).toMatchObject({
      targetName: 'plain',
      remoteKeys: [],
      annotations: {},
      refreshTime: '2025-02-05T10:00:00.000Z',
    });
    expect('ready' in parsed).toBe(false);
    expect('refreshInterval' in parsed).toBe(false);
  });
});

describe('isoTime', () => {
  it.each([
    [new Date('2025-01-01T00:00:00Z'), '2025-01-01T00:00:00.000Z'],
    ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
    [1735689600, undefined],
    [undefined, undefined],
  ])('%p → %p', (value, expected) => {
    expect(isoTime(value)).toBe(expected);
  });
});
