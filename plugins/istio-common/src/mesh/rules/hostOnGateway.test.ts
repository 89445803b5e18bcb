import { MeshModel } from '../model';
import {
  credential,
  gateway,
  httpServer,
  httpsServer,
  meshModel,
  passthroughServer,
  virtualService,
} from './__testUtils__/modelBuilders';
import {
  hostCertificateFindings,
  hostClaimFindings,
  hostOnGatewayFindings,
  hostServedFindings,
} from './hostOnGateway';

const PUBLIC = 'istio-ingress/public-gateway';

/**
 * The platform team's shared ingress gateway: a wildcard HTTPS server, a
 * dedicated server (own certificate) for checkout, HTTP redirecting to HTTPS.
 */
const publicGateway = gateway('istio-ingress', 'public-gateway', [
  httpsServer(['*/*.shop.example.com'], 'shop-wildcard-cert'),
  httpsServer(['checkout.shop.example.com'], 'checkout-cert'),
  httpServer(['*/*.shop.example.com', 'checkout.shop.example.com'], true),
]);
const legacyGateway = gateway('istio-ingress', 'legacy-gateway', [
  httpServer(['legacy.example.com']),
]);
const passthroughGateway = gateway('istio-ingress', 'passthrough-gateway', [
  passthroughServer(['db.example.com']),
]);
const emptyGateway = gateway('istio-ingress', 'empty-gateway', []);
const prefixedGateway = gateway('istio-ingress', 'team-gateway', [
  httpsServer(
    ['team-a/a.teams.example.com', './ops.teams.example.com'],
    'teams-cert',
  ),
  httpsServer(['*/shared.teams.example.com'], 'teams-cert'),
]);

const gateways = [
  publicGateway,
  legacyGateway,
  passthroughGateway,
  emptyGateway,
  prefixedGateway,
];

const model = (parts: Partial<MeshModel> = {}) =>
  meshModel({ gateways, ...parts });

describe('hostServedFindings', () => {
  it('reports a gateway that does not exist as a missing reference (IST0101)', () => {
    expect(
      hostServedFindings(model(), {
        host: 'cart.shop.example.com',
        gateway: 'istio-ingress/nope',
        namespace: 'shop',
      }),
    ).toEqual([
      {
        id: 'gateway-not-found',
        severity: 'error',
        code: 'IST0101',
        object: 'istio-ingress/Gateway/nope',
        message: 'Gateway istio-ingress/nope does not exist',
        missingReference: true,
      },
    ]);
  });

  it('does not find a gateway of the same name in another namespace', () => {
    const findings = hostServedFindings(model(), {
      host: 'cart.shop.example.com',
      gateway: 'shop/public-gateway',
    });
    expect(findings.map(f => f.code)).toEqual(['IST0101']);
  });

  it.each([
    ['an exact host', 'checkout.shop.example.com'],
    ['a host one label below a wildcard', 'cart.shop.example.com'],
    [
      'a host several labels below a wildcard (Istio matching)',
      'a.b.shop.example.com',
    ],
    ['a wildcard host on a wildcard server', '*.shop.example.com'],
    ['a host in upper case', 'Cart.Shop.Example.COM'],
  ])('accepts %s on a TLS server', (_, host) => {
    expect(
      hostServedFindings(model(), { host, gateway: PUBLIC, namespace: 'shop' }),
    ).toEqual([]);
  });

  it.each([
    ['the parent of a wildcard', 'shop.example.com'],
    ['another domain', 'shop.example.org'],
    ['a suffix lookalike', 'evilshop.example.com'],
  ])('reports %s as not served (IST0132)', (_, host) => {
    expect(
      hostServedFindings(model(), { host, gateway: PUBLIC, namespace: 'shop' }),
    ).toEqual([
      {
        id: 'host-not-served',
        severity: 'error',
        code: 'IST0132',
        object: 'istio-ingress/Gateway/public-gateway',
        message: `host ${host} is not served by Gateway ${PUBLIC} (it serves *.shop.example.com, checkout.shop.example.com)`,
        fix: `Choose a host the gateway serves, or ask the platform team to add ${host} to ${PUBLIC}`,
      },
    ]);
  });

  it('says a gateway without servers serves no hosts', () => {
    const [finding] = hostServedFindings(model(), {
      host: 'x.example.com',
      gateway: 'istio-ingress/empty-gateway',
    });
    expect(finding.code).toBe('IST0132');
    expect(finding.message).toContain('(it serves no hosts)');
  });

  it('warns when the host is served only over plain HTTP', () => {
    expect(
      hostServedFindings(model(), {
        host: 'legacy.example.com',
        gateway: 'istio-ingress/legacy-gateway',
      }),
    ).toEqual([
      {
        id: 'host-served-without-tls',
        severity: 'warning',
        object: 'istio-ingress/Gateway/legacy-gateway',
        message:
          'Gateway istio-ingress/legacy-gateway serves legacy.example.com on port 80 without terminating TLS',
      },
    ]);
  });

  it('warns when the host is served only by TLS passthrough', () => {
    const findings = hostServedFindings(model(), {
      host: 'db.example.com',
      gateway: 'istio-ingress/passthrough-gateway',
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'host-served-without-tls',
      severity: 'warning',
    });
    expect(findings[0].message).toContain('on port 443');
  });

  it('warns when only an HTTPS-redirecting server serves the host', () => {
    const redirectOnly = gateway('istio-ingress', 'redirect-only', [
      httpServer(['www.example.com'], true),
    ]);
    const findings = hostServedFindings(
      meshModel({ gateways: [redirectOnly] }),
      { host: 'www.example.com', gateway: 'istio-ingress/redirect-only' },
    );
    expect(findings.map(f => f.id)).toEqual(['host-served-without-tls']);
  });

  it('prefers the TLS server over the redirecting HTTP server for the same host', () => {
    // the HTTP server lists the exact host, the HTTPS one only a wildcard
    const mixed = gateway('istio-ingress', 'mixed', [
      httpServer(['www.example.com'], false),
      httpsServer(['*.example.com'], 'wildcard-cert'),
    ]);
    expect(
      hostServedFindings(meshModel({ gateways: [mixed] }), {
        host: 'www.example.com',
        gateway: 'istio-ingress/mixed',
      }),
    ).toEqual([]);
  });

  it('accepts hosts of servers with a namespace/ prefix for a route of that namespace', () => {
    expect(
      hostServedFindings(model(), {
        host: 'a.teams.example.com',
        gateway: 'istio-ingress/team-gateway',
        namespace: 'team-a',
      }),
    ).toEqual([]);
    expect(
      hostServedFindings(model(), {
        host: 'shared.teams.example.com',
        gateway: 'istio-ingress/team-gateway',
        namespace: 'team-b',
      }),
    ).toEqual([]);
  });

  // Istio binds a VirtualService to a server host `ns/host` only when the
  // VirtualService is in `ns` (`./host`: the Gateway's own namespace). The
  // parser drops the prefix, so the rule says "served" and the route
  // silently gets no traffic.
  it.each([
    ['team-a/a.teams.example.com', 'a.teams.example.com', 'team-b'],
    ['./ops.teams.example.com', 'ops.teams.example.com', 'team-b'],
  ])(
    'reports server host %s as not serving %s to a route in %s (IST0132)',
    (_, host, namespace) => {
      const findings = hostServedFindings(model(), {
        host,
        gateway: 'istio-ingress/team-gateway',
        namespace,
      });
      expect(findings.map(f => f.code)).toEqual(['IST0132']);
    },
  );
});

describe('hostCertificateFindings', () => {
  const wildcardCert = credential('istio-ingress', 'shop-wildcard-cert', [
    '*.shop.example.com',
  ]);
  const checkoutCert = credential('istio-ingress', 'checkout-cert', [
    'checkout.shop.example.com',
  ]);
  const withCredentials = (...credentials: MeshModel['credentials']) =>
    model({ credentials });

  it('says the certificate covers a host one label below its wildcard', () => {
    expect(
      hostCertificateFindings(withCredentials(wildcardCert), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
      }),
    ).toEqual([
      {
        id: 'certificate-covers-host',
        severity: 'info',
        object: 'istio-ingress/Secret/shop-wildcard-cert',
        message: expect.stringMatching(
          /covered by the certificate for \*\.shop\.example\.com.*\(60 days left\)/,
        ),
      },
    ]);
  });

  it.each([
    ['two labels below the wildcard', 'a.b.shop.example.com'],
    ['wildcard of a deeper level', '*.eu.shop.example.com'],
  ])(
    'reports a host the gateway serves but the certificate does not cover: %s (IST0161)',
    (_, host) => {
      const m = withCredentials(wildcardCert);
      // Istio routes it (a wildcard server matches any depth) …
      expect(hostServedFindings(m, { host, gateway: PUBLIC })).toEqual([]);
      // … but TLS does not (a wildcard SAN covers one label)
      expect(hostCertificateFindings(m, { host, gateway: PUBLIC })).toEqual([
        {
          id: 'certificate-hosts-not-covered',
          severity: 'error',
          code: 'IST0161',
          object: 'istio-ingress/Secret/shop-wildcard-cert',
          message: expect.stringMatching(
            /^The certificate \(\*\.shop\.example\.com\) does not cover /,
          ),
          fix: `Issue a certificate that covers ${host} and store it in istio-ingress/shop-wildcard-cert`,
        },
      ]);
      expect(
        hostCertificateFindings(m, { host, gateway: PUBLIC })[0].message,
      ).toMatch(
        new RegExp(
          `does not cover ${host.replace(/[.*]/g, '\\$&')}: clients get a TLS`,
        ),
      );
    },
  );

  it('judges the certificate of the server with the exact host, not the wildcard one', () => {
    const wrongCheckoutCert = credential('istio-ingress', 'checkout-cert', [
      'www.shop.example.com',
    ]);
    const findings = hostCertificateFindings(
      withCredentials(wildcardCert, wrongCheckoutCert),
      { host: 'checkout.shop.example.com', gateway: PUBLIC },
    );
    expect(findings).toEqual([
      expect.objectContaining({
        id: 'certificate-hosts-not-covered',
        object: 'istio-ingress/Secret/checkout-cert',
      }),
    ]);
    expect(
      hostCertificateFindings(withCredentials(wildcardCert, checkoutCert), {
        host: 'checkout.shop.example.com',
        gateway: PUBLIC,
      }),
    ).toEqual([
      expect.objectContaining({
        id: 'certificate-covers-host',
        object: 'istio-ingress/Secret/checkout-cert',
      }),
    ]);
  });

  it('reports a credential secret that does not exist as a missing reference (IST0101)', () => {
    expect(
      hostCertificateFindings(
        withCredentials({
          namespace: 'istio-ingress',
          name: 'shop-wildcard-cert',
          exists: false,
        }),
        { host: 'cart.shop.example.com', gateway: PUBLIC },
      ),
    ).toEqual([
      {
        id: 'gateway-credential-missing',
        severity: 'error',
        code: 'IST0101',
        object: 'istio-ingress/Secret/shop-wildcard-cert',
        message:
          "the gateway's certificate secret istio-ingress/shop-wildcard-cert does not exist",
        fix: 'kubectl create secret tls shop-wildcard-cert -n istio-ingress --cert=tls.crt --key=tls.key',
        missingReference: true,
      },
    ]);
  });

  it('reports a secret without a usable certificate (IST0161)', () => {
    const [finding] = hostCertificateFindings(
      withCredentials({
        namespace: 'istio-ingress',
        name: 'shop-wildcard-cert',
        exists: true,
        problem: 'tls.crt is not a PEM certificate',
      }),
      { host: 'cart.shop.example.com', gateway: PUBLIC },
    );
    expect(finding).toMatchObject({
      id: 'gateway-credential-unusable',
      severity: 'error',
      code: 'IST0161',
      message:
        "the gateway's certificate secret istio-ingress/shop-wildcard-cert is unusable: tls.crt is not a PEM certificate",
    });
    expect(finding.missingReference).toBeUndefined();
    const [noProblem] = hostCertificateFindings(
      withCredentials({
        namespace: 'istio-ingress',
        name: 'shop-wildcard-cert',
        exists: true,
      }),
      { host: 'cart.shop.example.com', gateway: PUBLIC },
    );
    expect(noProblem.message).toMatch(/unusable: no certificate$/);
  });

  it('reports an expired certificate that covers the host', () => {
    expect(
      hostCertificateFindings(
        withCredentials(
          credential(
            'istio-ingress',
            'shop-wildcard-cert',
            ['*.shop.example.com'],
            -1,
          ),
        ),
        { host: 'cart.shop.example.com', gateway: PUBLIC },
      ),
    ).toEqual([
      {
        id: 'certificate-expired',
        severity: 'error',
        code: 'IST0161',
        object: 'istio-ingress/Secret/shop-wildcard-cert',
        message: expect.stringMatching(
          /^The certificate for .* expired on 2026-03-16T12:00:00\.000Z$/,
        ),
        fix: 'Update secret istio-ingress/shop-wildcard-cert with a renewed certificate',
      },
    ]);
  });

  it('still accepts a certificate on its last day', () => {
    const findings = hostCertificateFindings(
      withCredentials(
        credential(
          'istio-ingress',
          'shop-wildcard-cert',
          ['*.shop.example.com'],
          0,
        ),
      ),
      { host: 'cart.shop.example.com', gateway: PUBLIC },
    );
    expect(findings.map(f => f.id)).toEqual(['certificate-covers-host']);
  });

  it('says nothing when the credential was not read', () => {
    expect(
      hostCertificateFindings(withCredentials(checkoutCert), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
      }),
    ).toEqual([]);
  });

  it('looks for the secret in the gateway namespace only', () => {
    expect(
      hostCertificateFindings(
        withCredentials({
          namespace: 'shop',
          name: 'shop-wildcard-cert',
          exists: false,
        }),
        { host: 'cart.shop.example.com', gateway: PUBLIC },
      ),
    ).toEqual([]);
  });

  it.each([
    ['plain HTTP', 'legacy.example.com', 'istio-ingress/legacy-gateway'],
    ['TLS passthrough', 'db.example.com', 'istio-ingress/passthrough-gateway'],
    ['a host it does not serve', 'shop.example.org', PUBLIC],
    [
      'a gateway that does not exist',
      'cart.shop.example.com',
      'istio-ingress/nope',
    ],
  ])('says nothing for %s', (_, host, gw) => {
    const everything = withCredentials(
      { namespace: 'istio-ingress', name: 'shop-wildcard-cert', exists: false },
      { namespace: 'istio-ingress', name: 'checkout-cert', exists: false },
    );
    expect(hostCertificateFindings(everything, { host, gateway: gw })).toEqual(
      [],
    );
  });

  it('says nothing for a legacy file-mounted certificate (no credentialName)', () => {
    const legacyTls = gateway('istio-ingress', 'files', [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['files.example.com'],
        tls: {
          mode: 'SIMPLE',
          serverCertificate: '/etc/istio/ingressgateway-certs/tls.crt',
          privateKey: '/etc/istio/ingressgateway-certs/tls.key',
        },
      },
    ]);
    const m = meshModel({ gateways: [legacyTls] });
    const query = { host: 'files.example.com', gateway: 'istio-ingress/files' };
    expect(hostServedFindings(m, query)).toEqual([]);
    expect(hostCertificateFindings(m, query)).toEqual([]);
  });
});

describe('hostClaimFindings', () => {
  const teamBCart = virtualService('team-b', 'cart', {
    hosts: ['cart.shop.example.com'],
    gateways: [PUBLIC],
    http: [{ to: [{ host: 'cart' }] }],
  });
  const shopCart = virtualService('shop', 'cart', {
    hosts: ['cart.shop.example.com'],
    gateways: [PUBLIC],
    http: [{ to: [{ host: 'cart' }] }],
  });

  it('reports another namespace claiming the host on the gateway (IST0109)', () => {
    expect(
      hostClaimFindings(meshModel({ virtualServices: [teamBCart] }), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }),
    ).toEqual([
      {
        id: 'host-claimed',
        severity: 'error',
        code: 'IST0109',
        object: 'team-b/VirtualService/cart',
        message: `host cart.shop.example.com on Gateway ${PUBLIC} is already claimed by VirtualService team-b/cart in namespace 'team-b'`,
        fix: 'Ask the owners of team-b/cart, or choose another host',
      },
    ]);
  });

  it('is no conflict with itself (same namespace and name)', () => {
    expect(
      hostClaimFindings(meshModel({ virtualServices: [shopCart] }), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }),
    ).toEqual([]);
  });

  it('is a conflict with another route of the same namespace', () => {
    const findings = hostClaimFindings(
      meshModel({ virtualServices: [shopCart] }),
      {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart-v2',
      },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'IST0109',
      object: 'shop/VirtualService/cart',
    });
    expect(findings[0].message).not.toContain('in namespace');
  });

  it('is a conflict with a route of the same name in another namespace', () => {
    expect(
      hostClaimFindings(meshModel({ virtualServices: [teamBCart] }), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }).map(f => f.object),
    ).toEqual(['team-b/VirtualService/cart']);
  });

  it('judges every claim when the query names no route', () => {
    expect(
      hostClaimFindings(meshModel({ virtualServices: [teamBCart, shopCart] }), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
      }).map(f => f.object),
    ).toEqual(['team-b/VirtualService/cart', 'shop/VirtualService/cart']);
  });

  it.each([
    [
      'an existing wildcard covers a deeper host',
      ['*.shop.example.com'],
      'a.b.shop.example.com',
    ],
    [
      'a wanted wildcard covers an existing host',
      ['cart.shop.example.com'],
      '*.shop.example.com',
    ],
    ['a catch-all host', ['*'], 'anything.example.org'],
    ['case differs', ['CART.shop.example.com'], 'cart.SHOP.example.com'],
  ])('reports overlapping hosts: %s', (_, hosts, host) => {
    const existing = virtualService('team-b', 'wide', {
      hosts,
      gateways: [PUBLIC],
    });
    expect(
      hostClaimFindings(meshModel({ virtualServices: [existing] }), {
        host,
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }).map(f => f.code),
    ).toEqual(['IST0109']);
  });

  it('finds a claim made through a short gateway name in the gateway namespace', () => {
    const local = virtualService('istio-ingress', 'platform-routes', {
      hosts: ['status.shop.example.com'],
      gateways: ['public-gateway'],
    });
    expect(
      hostClaimFindings(meshModel({ virtualServices: [local] }), {
        host: 'status.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'status',
      }).map(f => f.object),
    ).toEqual(['istio-ingress/VirtualService/platform-routes']);
  });

  it.each([
    ['a host that does not overlap', 'orders.shop.example.com', PUBLIC],
    ['the parent of a wildcard claim', 'shop.example.com', PUBLIC],
    [
      'another gateway',
      'cart.shop.example.com',
      'istio-ingress/legacy-gateway',
    ],
  ])('is no conflict on %s', (_, host, gw) => {
    expect(
      hostClaimFindings(meshModel({ virtualServices: [teamBCart] }), {
        host,
        gateway: gw,
        namespace: 'shop',
        name: 'cart',
      }),
    ).toEqual([]);
  });

  it('ignores mesh-internal routes and routes on a same-named gateway of another namespace', () => {
    const meshRoute = virtualService('team-b', 'mesh-cart', {
      hosts: ['cart.shop.example.com'],
    });
    const otherNsGateway = virtualService('team-b', 'local-cart', {
      hosts: ['cart.shop.example.com'],
      gateways: ['public-gateway'], // team-b/public-gateway
    });
    expect(
      hostClaimFindings(
        meshModel({ virtualServices: [meshRoute, otherNsGateway] }),
        {
          host: 'cart.shop.example.com',
          gateway: PUBLIC,
          namespace: 'shop',
          name: 'cart',
        },
      ),
    ).toEqual([]);
  });
});

describe('hostOnGatewayFindings', () => {
  const claim = virtualService('team-b', 'cart', {
    hosts: ['*.shop.example.com'],
    gateways: [PUBLIC],
  });
  const badCert = credential('istio-ingress', 'shop-wildcard-cert', [
    'www.example.com',
  ]);
  const m = model({ virtualServices: [claim], credentials: [badCert] });

  it('reports served, certificate and claims, in that order', () => {
    expect(
      hostOnGatewayFindings(m, {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }).map(f => [f.id, f.code]),
    ).toEqual([
      ['certificate-hosts-not-covered', 'IST0161'],
      ['host-claimed', 'IST0109'],
    ]);
  });

  it('skips the certificate when the host is not served, but still reports claims', () => {
    const wide = virtualService('team-b', 'apex', {
      hosts: ['shop.example.com'],
      gateways: [PUBLIC],
    });
    expect(
      hostOnGatewayFindings(
        model({ virtualServices: [wide], credentials: [badCert] }),
        {
          host: 'shop.example.com',
          gateway: PUBLIC,
          namespace: 'shop',
          name: 'x',
        },
      ).map(f => f.id),
    ).toEqual(['host-not-served', 'host-claimed']);
  });

  it('reports a missing gateway once, plus claims on it, and no certificate', () => {
    const onMissing = virtualService('team-b', 'ghost', {
      hosts: ['cart.shop.example.com'],
      gateways: ['istio-ingress/nope'],
    });
    expect(
      hostOnGatewayFindings(model({ virtualServices: [onMissing] }), {
        host: 'cart.shop.example.com',
        gateway: 'istio-ingress/nope',
        namespace: 'shop',
        name: 'cart',
      }).map(f => [f.id, f.missingReference ?? false]),
    ).toEqual([
      ['gateway-not-found', true],
      ['host-claimed', false],
    ]);
  });

  it('keeps the plain-HTTP warning next to the other findings', () => {
    const legacyClaim = virtualService('team-b', 'legacy', {
      hosts: ['legacy.example.com'],
      gateways: ['istio-ingress/legacy-gateway'],
    });
    expect(
      hostOnGatewayFindings(model({ virtualServices: [legacyClaim] }), {
        host: 'legacy.example.com',
        gateway: 'istio-ingress/legacy-gateway',
        namespace: 'shop',
        name: 'legacy',
      }).map(f => f.id),
    ).toEqual(['host-served-without-tls', 'host-claimed']);
  });

  it('is clean for a served, covered, unclaimed host (one info line)', () => {
    const good = credential('istio-ingress', 'shop-wildcard-cert', [
      '*.shop.example.com',
    ]);
    expect(
      hostOnGatewayFindings(model({ credentials: [good] }), {
        host: 'cart.shop.example.com',
        gateway: PUBLIC,
        namespace: 'shop',
        name: 'cart',
      }).map(f => f.severity),
    ).toEqual(['info']);
  });
});
