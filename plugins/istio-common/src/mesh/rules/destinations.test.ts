import { MeshModel } from '../model';
import {
  controlPlane,
  destinationRule,
  meshModel,
  service,
  virtualService,
} from './__testUtils__/modelBuilders';
import {
  DestinationPolicy,
  PROTECTED_NAMESPACES,
  destinationAllowed,
  destinationAllowedFindings,
  destinationRuleServiceFindings,
  destinationServiceFindings,
  destinationSubsetFindings,
  matchesPattern,
  meshHostOwnershipFindings,
} from './destinations';

const PUBLIC = 'istio-ingress/public-gateway';

describe('destinationServiceFindings', () => {
  const services = [
    service('shop', 'cart', [8080]),
    service('shop', 'orders', [8080, 9090]),
    service('shop', 'headless', []),
    service('team-b', 'inventory', [80]),
  ];
  const model = (parts: Partial<MeshModel> = {}) =>
    meshModel({ services, serviceNamespaces: ['shop', 'team-b'], ...parts });
  const route = (...to: Array<{ host: string; port?: number }>) =>
    virtualService('shop', 'storefront', {
      hosts: ['shop.example.com'],
      gateways: [PUBLIC],
      http: [{ to }],
    });

  it.each([
    ['a short name with its port', { host: 'cart', port: 8080 }],
    ['a short name of a single-port Service without a port', { host: 'cart' }],
    [
      'a fully qualified name',
      { host: 'cart.shop.svc.cluster.local', port: 8080 },
    ],
    ['another namespace', { host: 'inventory.team-b.svc.cluster.local' }],
    ['one port of a multi-port Service', { host: 'orders', port: 9090 }],
  ])('accepts %s', (_, d) => {
    expect(destinationServiceFindings(model(), route(d))).toEqual([]);
  });

  it('reports a Service that does not exist as a missing reference (IST0101)', () => {
    expect(
      destinationServiceFindings(
        model(),
        route({ host: 'payments', port: 80 }),
      ),
    ).toEqual([
      {
        id: 'destination-not-found',
        severity: 'error',
        code: 'IST0101',
        object: 'shop/VirtualService/storefront',
        message: 'destination Service shop/payments does not exist',
        missingReference: true,
      },
    ]);
  });

  it('resolves a short name in the route namespace, not elsewhere', () => {
    // `inventory` exists in team-b, but a short name means shop/inventory
    expect(
      destinationServiceFindings(model(), route({ host: 'inventory' })).map(
        f => f.message,
      ),
    ).toEqual(['destination Service shop/inventory does not exist']);
  });

  it('reports a port the Service does not expose (IST0112)', () => {
    expect(
      destinationServiceFindings(model(), route({ host: 'cart', port: 80 })),
    ).toEqual([
      {
        id: 'destination-port-not-exposed',
        severity: 'error',
        code: 'IST0112',
        object: 'shop/VirtualService/storefront',
        message: 'Service shop/cart does not expose port 80 (it exposes 8080)',
      },
    ]);
    expect(
      destinationServiceFindings(
        model(),
        route({ host: 'headless', port: 80 }),
      )[0].message,
    ).toBe(
      'Service shop/headless does not expose port 80 (it exposes no ports)',
    );
  });

  it('asks for the port of a Service with several ports', () => {
    const findings = destinationServiceFindings(
      model(),
      route({ host: 'orders' }),
    );
    expect(findings).toEqual([
      {
        id: 'destination-port-ambiguous',
        severity: 'error',
        object: 'shop/VirtualService/storefront',
        message:
          'Service shop/orders exposes several ports (8080, 9090); set the destination port',
      },
    ]);
    expect(findings[0].missingReference).toBeUndefined();
  });

  it('judges nothing in namespaces whose Services the model does not hold', () => {
    const partial = model({ serviceNamespaces: ['team-b'] });
    expect(
      destinationServiceFindings(
        partial,
        route({ host: 'payments', port: 1 }, { host: 'cart', port: 1 }),
      ),
    ).toEqual([]);
    expect(
      destinationServiceFindings(
        meshModel({ services }),
        route({ host: 'inventory.team-b.svc.cluster.local', port: 1 }),
      ),
    ).toEqual([]);
  });

  it("judges every namespace with serviceNamespaces '*'", () => {
    expect(
      destinationServiceFindings(
        meshModel({ services, serviceNamespaces: '*' }),
        route({ host: 'ghost.elsewhere.svc.cluster.local' }),
      ).map(f => f.message),
    ).toEqual(['destination Service elsewhere/ghost does not exist']);
  });

  it('does not judge hosts outside the cluster', () => {
    expect(
      destinationServiceFindings(
        meshModel({ services, serviceNamespaces: '*' }),
        route(
          { host: 'api.partner.example.com', port: 443 },
          { host: 'kubernetes.default' },
        ),
      ),
    ).toEqual([]);
  });

  it('reports a destination used by several routes once', () => {
    const vs = virtualService('shop', 'storefront', {
      hosts: ['shop.example.com'],
      gateways: [PUBLIC],
      http: [
        { prefix: '/a', to: [{ host: 'payments', port: 80 }] },
        {
          prefix: '/b',
          to: [{ host: 'payments.shop.svc.cluster.local', port: 80 }],
        },
        { prefix: '/c', to: [{ host: 'payments', port: 81 }] },
      ],
    });
    expect(destinationServiceFindings(model(), vs)).toHaveLength(2);
  });
});

describe('destinationSubsetFindings', () => {
  const rules = [
    destinationRule('shop', 'cart', 'cart', {
      v1: { version: 'v1' },
      v2: { version: 'v2' },
    }),
    destinationRule('shop', 'cart-canary', 'cart.shop.svc.cluster.local', {
      canary: { track: 'canary' },
    }),
    destinationRule(
      'team-b',
      'inventory',
      'inventory.team-b.svc.cluster.local',
      {
        stable: { version: 'stable' },
      },
    ),
    destinationRule('shop', 'partner', 'api.partner.example.com', {
      eu: { region: 'eu' },
    }),
  ];
  const model = meshModel({ destinationRules: rules });
  const route = (...to: Array<{ host: string; subset?: string }>) =>
    virtualService('shop', 'storefront', {
      hosts: ['shop.example.com'],
      gateways: [PUBLIC],
      http: [{ to: to.map(d => ({ ...d, weight: 100 / to.length })) }],
    });

  it('accepts subsets defined by any DestinationRule for the host', () => {
    expect(
      destinationSubsetFindings(
        model,
        route(
          { host: 'cart', subset: 'v1' },
          { host: 'cart.shop.svc.cluster.local', subset: 'canary' },
        ),
      ),
    ).toEqual([]);
    expect(
      destinationSubsetFindings(
        model,
        route(
          { host: 'inventory.team-b.svc.cluster.local', subset: 'stable' },
          { host: 'api.partner.example.com', subset: 'eu' },
        ),
      ),
    ).toEqual([]);
  });

  it('has nothing to say about destinations without a subset', () => {
    expect(
      destinationSubsetFindings(meshModel(), route({ host: 'cart' })),
    ).toEqual([]);
  });

  it('reports an undefined subset as a missing reference (IST0101)', () => {
    expect(
      destinationSubsetFindings(model, route({ host: 'cart', subset: 'v3' })),
    ).toEqual([
      {
        id: 'subset-not-found',
        severity: 'error',
        code: 'IST0101',
        object: 'shop/VirtualService/storefront',
        message:
          "subset 'v3' of cart.shop.svc.cluster.local is not defined by any DestinationRule (defined: v1, v2, canary)",
        fix: 'Create it first, e.g. with istio:destinationrule:create',
        missingReference: true,
      },
    ]);
  });

  it("does not take another host's subsets", () => {
    // team-b's DestinationRule for `cart` (short name → cart.team-b) does
    // not define subsets of shop's cart
    const elsewhere = meshModel({
      destinationRules: [
        destinationRule('team-b', 'cart', 'cart', { v1: { version: 'v1' } }),
      ],
    });
    expect(
      destinationSubsetFindings(
        elsewhere,
        route({ host: 'cart', subset: 'v1' }),
      ).map(f => f.message),
    ).toEqual([
      "subset 'v1' of cart.shop.svc.cluster.local is not defined by any DestinationRule (defined: none)",
    ]);
  });

  it('lists each defined subset once', () => {
    const twice = meshModel({
      destinationRules: [
        destinationRule('shop', 'a', 'cart', { v1: { version: 'v1' } }),
        destinationRule('shop', 'b', 'cart', { v1: { version: 'v1' } }),
      ],
    });
    expect(
      destinationSubsetFindings(twice, route({ host: 'cart', subset: 'v2' }))[0]
        .message,
    ).toContain('(defined: v1)');
  });
});

describe('matchesPattern', () => {
  it.each([
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'teams', false],
    ['team-*', 'xteam-a', false],
    ['*', 'anything', true],
    ['*-prod', 'shop-prod', true],
    ['*-prod', 'shop-prod-2', false],
    ['Team-A', 'team-a', true],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'api.example.com.evil.io', false],
    ['api.example.com', 'apixexample.com', false],
    ['t?am', 'team', false],
    ['t[e]am', 'team', false],
    ['(team)', 'team', false],
    ['team+', 'teamm', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected);
  });
});

describe('destinationAllowed', () => {
  const model = {
    controlPlanes: [
      controlPlane('istio-system'),
      controlPlane('istio-control', '1-27'),
    ],
  };
  const allowed = (
    allowedEntries: string[],
    fqdn: string,
    extra: Partial<DestinationPolicy> = {},
  ) =>
    destinationAllowed(
      model,
      { allowed: allowedEntries, ...extra },
      'shop',
      fqdn,
    );

  it('names the cluster namespaces as protected', () => {
    expect([...PROTECTED_NAMESPACES].sort()).toEqual([
      'default',
      'istio-system',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
  });

  describe('the route namespace', () => {
    it('is always reachable', () => {
      expect(allowed([], 'cart.shop.svc.cluster.local')).toBe(true);
      expect(allowed([], 'Cart.Shop.svc.cluster.local')).toBe(true);
    });

    it('is reachable even when it is protected (a route of istio-system)', () => {
      expect(
        destinationAllowed(
          model,
          { allowed: [] },
          'istio-system',
          'istiod.istio-system.svc.cluster.local',
        ),
      ).toBe(true);
    });
  });

  describe("another team's Services", () => {
    it.each<[string[], boolean]>([
      [[], false],
      [['team-c'], false],
      [['team-b'], true],
      [['team-*'], true],
      [['*'], true],
      [['Team-B'], true],
      [['team-b.svc.cluster.local'], false],
      [['*.team-b.svc.cluster.local'], false],
      [['*.svc.cluster.local'], false],
    ])('with allowed %j: %s', (entries, expected) => {
      expect(allowed(entries, 'inventory.team-b.svc.cluster.local')).toBe(
        expected,
      );
    });
  });

  describe('protected namespaces', () => {
    it.each([
      ['the API server', 'kubernetes.default.svc.cluster.local'],
      ['the API server in upper case', 'Kubernetes.Default.SVC.cluster.local'],
      ['istiod', 'istiod.istio-system.svc.cluster.local'],
      ['CoreDNS', 'kube-dns.kube-system.svc.cluster.local'],
      ['kube-public', 'x.kube-public.svc.cluster.local'],
      ['kube-node-lease', 'x.kube-node-lease.svc.cluster.local'],
      [
        'a revisioned control plane',
        'istiod-1-27.istio-control.svc.cluster.local',
      ],
    ])('never open %s to a pattern', (_, fqdn) => {
      for (const entries of [
        ['*'],
        ['*-system', 'kube-*', 'istio-*', 'def*', '*ault'],
        ['*', '*.svc.cluster.local', '*.cluster.local'],
      ]) {
        expect(allowed(entries, fqdn)).toBe(false);
      }
    });

    it.each([
      ['default', 'kubernetes.default.svc.cluster.local'],
      ['istio-system', 'istiod.istio-system.svc.cluster.local'],
      ['kube-system', 'kube-dns.kube-system.svc.cluster.local'],
      ['istio-control', 'istiod-1-27.istio-control.svc.cluster.local'],
    ])('open to the literal entry %s', (entry, fqdn) => {
      expect(allowed([entry], fqdn)).toBe(true);
      expect(allowed(['team-*', entry], fqdn)).toBe(true);
    });

    it('open only the namespace they name', () => {
      expect(
        allowed(['istio-system'], 'kubernetes.default.svc.cluster.local'),
      ).toBe(false);
      expect(
        allowed(['default'], 'istiod.istio-system.svc.cluster.local'),
      ).toBe(false);
    });

    it('include the namespaces of the model control planes only', () => {
      expect(
        destinationAllowed(
          { controlPlanes: [] },
          { allowed: ['*'] },
          'shop',
          'istiod-1-27.istio-control.svc.cluster.local',
        ),
      ).toBe(true);
      expect(
        allowed(['*'], 'istiod-1-27.istio-control.svc.cluster.local'),
      ).toBe(false);
    });

    it('include the policy protectedNamespaces', () => {
      const policy = { protectedNamespaces: ['payments', 'vault'] };
      expect(allowed(['*'], 'api.payments.svc.cluster.local', policy)).toBe(
        false,
      );
      expect(allowed(['pay*'], 'api.payments.svc.cluster.local', policy)).toBe(
        false,
      );
      expect(
        allowed(['payments'], 'api.payments.svc.cluster.local', policy),
      ).toBe(true);
      expect(allowed(['*'], 'vault.vault.svc.cluster.local', policy)).toBe(
        false,
      );
      expect(allowed(['*'], 'inventory.team-b.svc.cluster.local', policy)).toBe(
        true,
      );
    });
  });

  describe('hosts outside the cluster', () => {
    it.each<[string, string[], boolean]>([
      ['api.stripe.com', [], false],
      ['api.stripe.com', ['*'], false],
      ['api.stripe.com', ['team-*', 'shop'], false],
      ['api.stripe.com', ['api.stripe.com'], true],
      ['api.stripe.com', ['API.Stripe.com'], true],
      ['api.stripe.com', ['*.stripe.com'], true],
      ['eu.api.stripe.com', ['*.stripe.com'], true],
      ['stripe.com', ['*.stripe.com'], false],
      ['api.stripe.com.evil.io', ['*.stripe.com'], false],
      ['api.stripe.com', ['*.example.com'], false],
      ['169.254.169.254', ['*'], false],
      ['169.254.169.254', ['*.example.com', 'team-*'], false],
      ['169.254.169.254', ['169.254.169.254'], true],
      ['169.254.169.254', ['169.254.169.25'], false],
      ['metadata.google.internal', ['*'], false],
      ['metadata.google.internal', ['*.example.com'], false],
      // in-cluster names not in the name.namespace.svc.cluster.local form
      // are not Services: only a dotted entry opens them, never a namespace
      ['kubernetes.default', ['*', 'default'], false],
      ['kubernetes.default.svc', ['*', 'default'], false],
      [
        'kubernetes.default.svc.cluster.local.',
        ['*', 'default', '*.example.com'],
        false,
      ],
      ['web-0.nginx.team-b.svc.cluster.local', ['*', 'team-b'], false],
    ])('%s with allowed %j: %s', (fqdn, entries, expected) => {
      expect(allowed(entries, fqdn)).toBe(expected);
    });
  });
});

describe('destinationAllowedFindings', () => {
  const model = { controlPlanes: [controlPlane()] };
  const object = 'shop/VirtualService/storefront';

  it('reports each refused destination once, with the setting and its entries', () => {
    const findings = destinationAllowedFindings(
      model,
      { allowed: ['*', '*.partner.example.com'] },
      {
        namespace: 'shop',
        object,
        destinations: [
          'cart.shop.svc.cluster.local',
          'inventory.team-b.svc.cluster.local',
          'kubernetes.default.svc.cluster.local',
          'kubernetes.default.svc.cluster.local',
          'api.partner.example.com',
          '169.254.169.254',
        ],
      },
    );
    expect(findings).toEqual([
      {
        id: 'destination-not-allowed',
        severity: 'error',
        object,
        message:
          "destination kubernetes.default.svc.cluster.local is in namespace 'default'; routes written by templates in 'shop' may reach only their own namespace and the namespaces named in istio.scaffolder.allowedDestinations (*, *.partner.example.com)",
        fix: "Route to a Service in 'shop', or ask the platform team to add 'default' to istio.scaffolder.allowedDestinations",
      },
      {
        id: 'destination-not-allowed',
        severity: 'error',
        object,
        message:
          'destination 169.254.169.254 is outside the cluster; routes written by templates may reach external hosts only when istio.scaffolder.allowedDestinations names them (*, *.partner.example.com)',
        fix: "Route to a Service in 'shop', or ask the platform team to add '169.254.169.254' to istio.scaffolder.allowedDestinations",
      },
    ]);
  });

  it('names the configured setting, and says when nothing is configured', () => {
    const [finding] = destinationAllowedFindings(
      model,
      { allowed: [], setting: 'istio.clusters.prod.allowedDestinations' },
      {
        namespace: 'shop',
        object,
        destinations: ['inventory.team-b.svc.cluster.local'],
      },
    );
    expect(finding.message).toContain(
      'namespaces named in istio.clusters.prod.allowedDestinations (none configured)',
    );
    expect(finding.fix).toContain(
      "add 'team-b' to istio.clusters.prod.allowedDestinations",
    );
  });

  it('has nothing to say about allowed destinations', () => {
    expect(
      destinationAllowedFindings(
        model,
        { allowed: ['team-*'] },
        {
          namespace: 'shop',
          object,
          destinations: [
            'cart.shop.svc.cluster.local',
            'inventory.team-b.svc.cluster.local',
          ],
        },
      ),
    ).toEqual([]);
  });

  it('refuses the control plane to the widest pattern', () => {
    expect(
      destinationAllowedFindings(
        model,
        { allowed: ['*'] },
        {
          namespace: 'shop',
          object,
          destinations: ['istiod.istio-system.svc.cluster.local'],
        },
      ).map(f => f.id),
    ).toEqual(['destination-not-allowed']);
  });
});

describe('meshHostOwnershipFindings', () => {
  const meshRoute = (hosts: string[], gateways?: string[]) =>
    virtualService('shop', 'cart-mesh', {
      hosts,
      ...(gateways && { gateways }),
      http: [{ to: [{ host: 'cart' }] }],
    });

  it.each([
    ['a short name', ['cart']],
    ['a fully qualified name', ['cart.shop.svc.cluster.local']],
    ['several own Services', ['cart', 'orders.shop.svc.cluster.local']],
  ])('lets a mesh route claim %s of its own namespace', (_, hosts) => {
    expect(meshHostOwnershipFindings(meshRoute(hosts))).toEqual([]);
    expect(meshHostOwnershipFindings(meshRoute(hosts, ['mesh']))).toEqual([]);
  });

  it("refuses another namespace's Service", () => {
    expect(
      meshHostOwnershipFindings(
        meshRoute(['inventory.team-b.svc.cluster.local']),
      ),
    ).toEqual([
      {
        id: 'mesh-host-not-owned',
        severity: 'error',
        object: 'shop/VirtualService/cart-mesh',
        message:
          "host inventory.team-b.svc.cluster.local is the Service team-b/inventory; a VirtualService in 'shop' must not claim another namespace's mesh-internal traffic",
        fix: "On the mesh gateway, route only Services of 'shop'",
      },
    ]);
  });

  it.each([
    ['the API server', 'kubernetes.default.svc.cluster.local'],
    ['istiod', 'istiod.istio-system.svc.cluster.local'],
  ])('refuses %s', (_, host) => {
    expect(meshHostOwnershipFindings(meshRoute([host])).map(f => f.id)).toEqual(
      ['mesh-host-not-owned'],
    );
  });

  it.each([
    ['*'],
    ['*.shop.svc.cluster.local'],
    ['*.svc.cluster.local'],
    ['api.partner.example.com'],
    ['169.254.169.254'],
    ['inventory.team-b'],
    ['cart.shop'],
  ])('refuses the wildcard, external or partial host %s', host => {
    const [finding] = meshHostOwnershipFindings(meshRoute([host]));
    expect(finding).toMatchObject({
      id: 'mesh-host-not-owned',
      severity: 'error',
    });
    expect(finding.message).toBe(
      `host ${host} on the mesh gateway is not a Service of 'shop'; it would reroute the mesh-internal traffic of every namespace`,
    );
  });

  it('reports each host not owned, and only those', () => {
    expect(
      meshHostOwnershipFindings(
        meshRoute(['cart', '*', 'inventory.team-b.svc.cluster.local']),
      ).map(f => f.message.split(' ')[1]),
    ).toEqual(['*', 'inventory.team-b.svc.cluster.local']);
  });

  it('judges a route on both the mesh and an ingress gateway', () => {
    expect(
      meshHostOwnershipFindings(
        meshRoute(['shop.example.com'], [PUBLIC, 'mesh']),
      ).map(f => f.id),
    ).toEqual(['mesh-host-not-owned']);
  });

  it('says nothing about routes bound only to ingress gateways', () => {
    expect(
      meshHostOwnershipFindings(
        meshRoute(
          [
            'shop.example.com',
            '*.example.com',
            'inventory.team-b.svc.cluster.local',
          ],
          [PUBLIC],
        ),
      ),
    ).toEqual([]);
  });
});

describe('destinationRuleServiceFindings', () => {
  const model = meshModel({
    services: [service('shop', 'cart', [8080])],
    serviceNamespaces: ['shop'],
  });

  it('says nothing about a DestinationRule for an existing Service', () => {
    expect(
      destinationRuleServiceFindings(
        model,
        destinationRule('shop', 'cart', 'cart', {}),
      ),
    ).toEqual([]);
  });

  it('reports a missing Service as a missing reference (IST0101)', () => {
    expect(
      destinationRuleServiceFindings(
        model,
        destinationRule('shop', 'ghost', 'ghost', {}),
      ),
    ).toEqual([
      {
        id: 'destination-rule-service-not-found',
        severity: 'error',
        code: 'IST0101',
        object: 'shop/DestinationRule/ghost',
        message: 'Service shop/ghost does not exist',
        missingReference: true,
      },
    ]);
  });

  it('does not judge namespaces whose Services the model does not hold', () => {
    expect(
      destinationRuleServiceFindings(
        model,
        destinationRule('team-b', 'inventory', 'inventory', {}),
      ),
    ).toEqual([]);
  });
});
