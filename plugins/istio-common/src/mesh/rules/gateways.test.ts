import {
  KUBERNETES_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../annotations';
import {
  gateway,
  httpServer,
  httpsServer,
  meshModel,
} from './__testUtils__/modelBuilders';
import { gatewayConflictFindings, gatewayOwnershipFindings } from './gateways';

const INGRESS = { istio: 'ingressgateway' };

/** The platform team's gateway, already in the cluster. */
const platform = gateway(
  'istio-ingress',
  'public-gateway',
  [
    httpsServer(['*/*.shop.example.com'], 'shop-wildcard-cert'),
    httpServer(['*/*.shop.example.com'], true),
  ],
  { selector: INGRESS },
);
const model = meshModel({ gateways: [platform] });

describe('gatewayConflictFindings', () => {
  it('reports an overlapping host on the same port of the same workload (IST0145)', () => {
    const mine = gateway(
      'shop',
      'cart-gateway',
      [httpsServer(['cart.shop.example.com'], 'cart-cert')],
      { selector: INGRESS },
    );
    expect(gatewayConflictFindings(model, mine)).toEqual([
      {
        id: 'gateway-host-conflict',
        severity: 'error',
        code: 'IST0145',
        object: 'shop/Gateway/cart-gateway',
        message:
          'host cart.shop.example.com on port 443 is already served by Gateway istio-ingress/public-gateway on the same workload',
        fix: 'Bind a VirtualService to istio-ingress/public-gateway instead',
      },
    ]);
  });

  it.each([
    [
      'a host several labels below a wildcard (Istio matching)',
      'a.b.shop.example.com',
    ],
    ['the same wildcard', '*.shop.example.com'],
    ['a wider wildcard', '*.example.com'],
    ['a catch-all host', '*'],
    ['a namespace-prefixed host', 'shop/cart.shop.example.com'],
    ['a ./-prefixed host', './cart.shop.example.com'],
  ])('reports %s', (_, host) => {
    const mine = gateway('shop', 'mine', [httpsServer([host], 'cert')], {
      selector: INGRESS,
    });
    expect(gatewayConflictFindings(model, mine).map(f => f.code)).toEqual([
      'IST0145',
    ]);
  });

  it('compares selectors regardless of key order', () => {
    const a = gateway('istio-ingress', 'a', [httpServer(['x.example.com'])], {
      selector: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    });
    const b = gateway('shop', 'b', [httpServer(['x.example.com'])], {
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    });
    expect(
      gatewayConflictFindings(meshModel({ gateways: [a] }), b).map(f => f.code),
    ).toEqual(['IST0145']);
  });

  it.each([
    ['another workload', { istio: 'internal-gateway' }],
    ['a narrower selector', { ...INGRESS, app: 'istio-ingressgateway' }],
    ['an empty selector', {}],
  ])('is no conflict on %s', (_, selector) => {
    const mine = gateway(
      'shop',
      'mine',
      [httpsServer(['cart.shop.example.com'], 'cart-cert')],
      { selector },
    );
    expect(gatewayConflictFindings(model, mine)).toEqual([]);
  });

  it('is no conflict on another port', () => {
    const mine = gateway(
      'shop',
      'mine',
      [httpsServer(['cart.shop.example.com'], 'cart-cert', 8443)],
      { selector: INGRESS },
    );
    expect(gatewayConflictFindings(model, mine)).toEqual([]);
  });

  it.each([
    ['another domain', 'cart.shop.example.org'],
    ['the parent of the wildcard', 'shop.example.com'],
  ])('is no conflict for %s', (_, host) => {
    const mine = gateway('shop', 'mine', [httpsServer([host], 'c')], {
      selector: INGRESS,
    });
    expect(gatewayConflictFindings(model, mine)).toEqual([]);
  });

  it('is no conflict with itself (re-applying the same Gateway)', () => {
    const again = gateway(
      'istio-ingress',
      'public-gateway',
      [httpsServer(['*.shop.example.com'], 'shop-wildcard-cert')],
      { selector: INGRESS },
    );
    expect(gatewayConflictFindings(model, again)).toEqual([]);
  });

  it('is a conflict with a Gateway of the same name in another namespace', () => {
    const sameName = gateway(
      'shop',
      'public-gateway',
      [httpsServer(['cart.shop.example.com'], 'c')],
      { selector: INGRESS },
    );
    expect(gatewayConflictFindings(model, sameName)).toHaveLength(1);
  });

  it('reports each port and each other Gateway, once per clash', () => {
    const second = gateway(
      'team-b',
      'team-b-gateway',
      [
        httpsServer(['cart.shop.example.com'], 'c'),
        // a second server on the same port with an overlapping host: same clash
        httpsServer(['*.shop.example.com'], 'd'),
      ],
      { selector: INGRESS },
    );
    const mine = gateway(
      'shop',
      'mine',
      [
        httpsServer(['cart.shop.example.com'], 'cart-cert'),
        httpServer(['cart.shop.example.com'], true),
      ],
      { selector: INGRESS },
    );
    expect(
      gatewayConflictFindings(
        meshModel({ gateways: [platform, second] }),
        mine,
      ).map(f => f.message),
    ).toEqual([
      'host cart.shop.example.com on port 443 is already served by Gateway istio-ingress/public-gateway on the same workload',
      'host cart.shop.example.com on port 80 is already served by Gateway istio-ingress/public-gateway on the same workload',
      'host cart.shop.example.com on port 443 is already served by Gateway team-b/team-b-gateway on the same workload',
    ]);
  });

  it('is clean in an empty model', () => {
    expect(gatewayConflictFindings(meshModel(), platform)).toEqual([]);
  });
});

describe('gatewayOwnershipFindings', () => {
  const existing = (labels?: Record<string, string>) =>
    gateway(
      'shop',
      'cart-gateway',
      [httpsServer(['cart.shop.example.com'], 'c')],
      {
        labels,
      },
    );
  const managed = (owner?: string) =>
    existing({
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      ...(owner && { [KUBERNETES_ID_ANNOTATION]: owner }),
    });

  it('allows creating a Gateway that does not exist', () => {
    expect(gatewayOwnershipFindings(undefined, 'cart')).toEqual([]);
  });

  it('allows updating a Gateway Meshdeck created for the same component', () => {
    expect(gatewayOwnershipFindings(managed('cart'), 'cart')).toEqual([]);
  });

  it('refuses a Gateway not created by Meshdeck', () => {
    expect(gatewayOwnershipFindings(existing(), 'cart')).toEqual([
      {
        id: 'gateway-owned-by-other',
        severity: 'error',
        object: 'shop/Gateway/cart-gateway',
        message:
          'Gateway shop/cart-gateway already exists and belongs to someone else (not created by Meshdeck); a template does not overwrite it',
        fix: 'Choose another Gateway name, or bind a VirtualService to the existing Gateway',
      },
    ]);
  });

  it('refuses a Gateway of another tool even when it carries the same kubernetes-id', () => {
    const helm = existing({
      [MANAGED_BY_LABEL]: 'Helm',
      [KUBERNETES_ID_ANNOTATION]: 'cart',
    });
    expect(gatewayOwnershipFindings(helm, 'cart')[0].message).toContain(
      'not created by Meshdeck',
    );
  });

  it("refuses another component's Gateway", () => {
    const [finding] = gatewayOwnershipFindings(managed('checkout'), 'cart');
    expect(finding.id).toBe('gateway-owned-by-other');
    expect(finding.message).toBe(
      "Gateway shop/cart-gateway already exists and belongs to component 'checkout'; a template does not overwrite it",
    );
  });

  it('refuses a Meshdeck Gateway of no component to a component', () => {
    expect(gatewayOwnershipFindings(managed(), 'cart')[0].message).toContain(
      'belongs to no component',
    );
  });

  it('refuses a component Gateway to a template that names no component', () => {
    expect(gatewayOwnershipFindings(managed('cart'), undefined)).toHaveLength(
      1,
    );
  });

  it('refuses a Meshdeck Gateway of no component, even to a template of no component', () => {
    // no owner on either side is no proof of ownership
    expect(gatewayOwnershipFindings(managed(), undefined)).toHaveLength(1);
    expect(gatewayOwnershipFindings(managed(), 'cart')).toHaveLength(1);
  });

  it('compares the kubernetes-id exactly', () => {
    expect(gatewayOwnershipFindings(managed('Cart'), 'cart')).toHaveLength(1);
  });
});
