import { MeshModel, RuleFinding } from '../model';
import {
  controlPlane,
  credential,
  destinationRule,
  gateway,
  httpServer,
  httpsServer,
  meshModel,
  service,
  virtualService,
} from './__testUtils__/modelBuilders';
import { dedupe, virtualServiceFindings } from './virtualServices';

const PUBLIC = 'istio-ingress/public-gateway';

const cluster = (parts: Partial<MeshModel> = {}): MeshModel =>
  meshModel({
    gateways: [
      gateway('istio-ingress', 'public-gateway', [
        httpsServer(['*/*.shop.example.com'], 'shop-wildcard-cert'),
        httpServer(['*/*.shop.example.com'], true),
      ]),
    ],
    services: [
      service('shop', 'cart', [8080]),
      service('shop', 'orders', [8080, 9090]),
      service('team-b', 'inventory', [80]),
    ],
    serviceNamespaces: ['shop', 'team-b'],
    destinationRules: [
      destinationRule('shop', 'cart', 'cart', {
        v1: { version: 'v1' },
        v2: { version: 'v2' },
      }),
    ],
    credentials: [
      credential('istio-ingress', 'shop-wildcard-cert', ['*.shop.example.com']),
    ],
    controlPlanes: [controlPlane()],
    ...parts,
  });

const storefront = (
  spec: Partial<Parameters<typeof virtualService>[2]> = {},
  name = 'storefront',
) =>
  virtualService('shop', name, {
    hosts: ['cart.shop.example.com'],
    gateways: [PUBLIC],
    http: [
      {
        prefix: '/',
        to: [
          { host: 'cart', port: 8080, subset: 'v1', weight: 90 },
          { host: 'cart', port: 8080, subset: 'v2', weight: 10 },
        ],
      },
    ],
    ...spec,
  });

const ids = (findings: RuleFinding[]) => findings.map(f => f.id);

describe('virtualServiceFindings', () => {
  it('is clean for a good route in preflight (one info line) and in status', () => {
    const vs = storefront();
    // the model holds the planned route itself: no claim on itself
    const model = cluster({ virtualServices: [vs] });
    expect(virtualServiceFindings(model, vs, { purpose: 'preflight' })).toEqual(
      [
        expect.objectContaining({
          id: 'certificate-covers-host',
          severity: 'info',
        }),
      ],
    );
    expect(virtualServiceFindings(model, vs, { purpose: 'status' })).toEqual(
      [],
    );
  });

  it('reports certificate problems in preflight only', () => {
    const vs = storefront({ hosts: ['a.b.shop.example.com'] });
    const expired = cluster({
      credentials: [
        credential(
          'istio-ingress',
          'shop-wildcard-cert',
          ['*.shop.example.com'],
          -3,
        ),
      ],
    });
    expect(
      ids(virtualServiceFindings(cluster(), vs, { purpose: 'preflight' })),
    ).toEqual(['certificate-hosts-not-covered']);
    expect(
      virtualServiceFindings(cluster(), vs, { purpose: 'status' }),
    ).toEqual([]);
    const ok = storefront();
    expect(
      ids(virtualServiceFindings(expired, ok, { purpose: 'preflight' })),
    ).toEqual(['certificate-expired']);
    expect(virtualServiceFindings(expired, ok, { purpose: 'status' })).toEqual(
      [],
    );
    const missingSecret = cluster({
      credentials: [
        {
          namespace: 'istio-ingress',
          name: 'shop-wildcard-cert',
          exists: false,
        },
      ],
    });
    expect(
      virtualServiceFindings(missingSecret, ok, { purpose: 'preflight' }),
    ).toEqual([
      expect.objectContaining({
        id: 'gateway-credential-missing',
        missingReference: true,
      }),
    ]);
    expect(
      virtualServiceFindings(missingSecret, ok, { purpose: 'status' }),
    ).toEqual([]);
  });

  it.each(['preflight', 'status'] as const)(
    'reports hosts not served and claims by others in %s',
    purpose => {
      const other = virtualService('team-b', 'cart', {
        hosts: ['*.shop.example.com'],
        gateways: [PUBLIC],
      });
      const vs = storefront({
        hosts: ['cart.shop.example.com', 'shop.example.com'],
      });
      const findings = virtualServiceFindings(
        cluster({ virtualServices: [other, vs] }),
        vs,
        { purpose },
      );
      expect(
        findings.filter(f => f.severity !== 'info').map(f => [f.id, f.code]),
      ).toEqual([
        ['host-claimed', 'IST0109'],
        ['host-not-served', 'IST0132'],
      ]);
    },
  );

  it('is a conflict with a route of the same namespace and another name', () => {
    const first = storefront({}, 'storefront');
    const second = storefront({}, 'storefront-v2');
    expect(
      ids(
        virtualServiceFindings(
          cluster({ virtualServices: [first, second] }),
          second,
          {
            purpose: 'status',
          },
        ),
      ),
    ).toEqual(['host-claimed']);
  });

  it('reports a missing gateway once for all its hosts', () => {
    const vs = storefront({
      hosts: [
        'cart.shop.example.com',
        'orders.shop.example.com',
        'api.shop.example.com',
      ],
      gateways: ['istio-ingress/missing-gateway'],
    });
    for (const purpose of ['preflight', 'status'] as const) {
      expect(virtualServiceFindings(cluster(), vs, { purpose })).toEqual([
        {
          id: 'gateway-not-found',
          severity: 'error',
          code: 'IST0101',
          object: 'istio-ingress/Gateway/missing-gateway',
          message: 'Gateway istio-ingress/missing-gateway does not exist',
          missingReference: true,
        },
      ]);
    }
  });

  it('judges each gateway of the route, and not the mesh gateway as an ingress', () => {
    const vs = storefront({
      hosts: ['cart.shop.example.com'],
      gateways: [PUBLIC, 'gone', 'mesh'],
    });
    expect(
      ids(virtualServiceFindings(cluster(), vs, { purpose: 'status' })),
    ).toEqual(['gateway-not-found', 'mesh-host-not-owned']);
  });

  it('applies the mesh-host rule to mesh routes', () => {
    const meshVs = virtualService('shop', 'cart-internal', {
      hosts: ['cart', 'inventory.team-b.svc.cluster.local'],
      http: [{ to: [{ host: 'cart', port: 8080 }] }],
    });
    expect(
      virtualServiceFindings(cluster(), meshVs, { purpose: 'preflight' }).map(
        f => f.message,
      ),
    ).toEqual([
      "host inventory.team-b.svc.cluster.local is the Service team-b/inventory; a VirtualService in 'shop' must not claim another namespace's mesh-internal traffic",
    ]);
  });

  it('reports destinations, subsets and weights', () => {
    const vs = storefront({
      http: [
        {
          prefix: '/cart',
          to: [
            { host: 'cart', port: 9999, subset: 'v3', weight: 50 },
            { host: 'payments', weight: 30 },
          ],
        },
        { prefix: '/orders', to: [{ host: 'orders' }] },
      ],
    });
    expect(
      virtualServiceFindings(cluster(), vs, { purpose: 'status' }).map(f => [
        f.id,
        f.missingReference ?? false,
      ]),
    ).toEqual([
      ['destination-port-not-exposed', false],
      ['destination-not-found', true],
      ['destination-port-ambiguous', false],
      ['subset-not-found', true],
      ['route-weights', false],
    ]);
  });

  it('judges no Services in namespaces the model did not read', () => {
    const vs = storefront({
      http: [{ to: [{ host: 'ghost.elsewhere.svc.cluster.local', port: 80 }] }],
    });
    expect(
      virtualServiceFindings(cluster(), vs, { purpose: 'status' }),
    ).toEqual([]);
  });

  it('reports a Service missing from several routes once', () => {
    const vs = storefront({
      http: [
        { prefix: '/a', to: [{ host: 'payments', port: 80 }] },
        { prefix: '/b', to: [{ host: 'payments', port: 81 }] },
      ],
    });
    expect(
      virtualServiceFindings(cluster(), vs, { purpose: 'status' }).map(
        f => f.message,
      ),
    ).toEqual(['destination Service shop/payments does not exist']);
  });

  describe('with a destination policy', () => {
    const vs = storefront({
      http: [
        { prefix: '/cart', to: [{ host: 'cart', port: 8080 }] },
        {
          prefix: '/inventory',
          to: [{ host: 'inventory.team-b.svc.cluster.local' }],
        },
        {
          prefix: '/k8s',
          to: [{ host: 'kubernetes.default.svc.cluster.local', port: 443 }],
        },
        {
          prefix: '/istiod',
          to: [{ host: 'istiod.istio-system.svc.cluster.local', port: 15014 }],
        },
        { prefix: '/meta', to: [{ host: '169.254.169.254', port: 80 }] },
        {
          prefix: '/partner',
          to: [{ host: 'api.partner.example.com', port: 443 }],
        },
      ],
    });
    const refused = (allowed: string[]) =>
      virtualServiceFindings(cluster(), vs, {
        purpose: 'preflight',
        policy: { allowed },
      })
        .filter(f => f.id === 'destination-not-allowed')
        .map(f => f.message.split(' ')[1]);

    it('refuses everything outside the namespace when nothing is allowed', () => {
      expect(refused([])).toEqual([
        'inventory.team-b.svc.cluster.local',
        'kubernetes.default.svc.cluster.local',
        'istiod.istio-system.svc.cluster.local',
        '169.254.169.254',
        'api.partner.example.com',
      ]);
    });

    it("opens other teams to '*', but never the cluster, the control plane or external hosts", () => {
      expect(refused(['*'])).toEqual([
        'kubernetes.default.svc.cluster.local',
        'istiod.istio-system.svc.cluster.local',
        '169.254.169.254',
        'api.partner.example.com',
      ]);
    });

    it('opens exactly what literal entries and dotted patterns name', () => {
      expect(
        refused(['team-*', 'istio-system', '*.partner.example.com']),
      ).toEqual(['kubernetes.default.svc.cluster.local', '169.254.169.254']);
    });

    it('is not checked without a policy', () => {
      expect(
        ids(virtualServiceFindings(cluster(), vs, { purpose: 'preflight' })),
      ).not.toContain('destination-not-allowed');
    });

    it('checks destinations in status too when given a policy', () => {
      expect(
        ids(
          virtualServiceFindings(cluster(), vs, {
            purpose: 'status',
            policy: { allowed: ['*'] },
          }),
        ).filter(id => id === 'destination-not-allowed'),
      ).toHaveLength(4);
    });
  });
});

describe('dedupe', () => {
  const finding = (
    id: string,
    object: string,
    message: string,
  ): RuleFinding => ({
    id,
    severity: 'error',
    object,
    message,
  });

  it('keeps the first of findings with the same id, object and message', () => {
    const first = { ...finding('a', 'ns/Kind/x', 'm'), missingReference: true };
    const again = { ...finding('a', 'ns/Kind/x', 'm'), fix: 'different fix' };
    expect(dedupe([first, again])).toEqual([first]);
    expect(dedupe([first, again])[0]).toBe(first);
  });

  it('keeps findings that differ in id, object or message, in order', () => {
    const findings = [
      finding('a', 'ns/Kind/x', 'm'),
      finding('b', 'ns/Kind/x', 'm'),
      finding('a', 'ns/Kind/y', 'm'),
      finding('a', 'ns/Kind/x', 'n'),
    ];
    expect(dedupe(findings)).toEqual(findings);
  });

  it('is empty for no findings', () => {
    expect(dedupe([])).toEqual([]);
  });
});
