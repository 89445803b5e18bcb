import {
  KUBERNETES_ID_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
} from '../../annotations';
import {
  k8sGatewayCertificateRefFindings,
  k8sGatewayFindings,
  k8sGatewayListenerFindings,
  k8sGatewayOwnershipFindings,
  referenceGrantOwnershipFindings,
} from './gateways';
import { referenceGrantName } from './referenceGrants';
import {
  credential,
  fromAll,
  gatewayApiModel,
  k8sGateway,
  rawListener,
  referenceGrant,
} from './__testUtils__/gatewayApiBuilders';

const INGRESS = 'istio-ingress';
const fromGateways = [
  { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: INGRESS },
];

describe('k8sGatewayOwnershipFindings', () => {
  const existing = (labels?: Record<string, string>) =>
    k8sGateway(INGRESS, 'shop', [rawListener('https')], { labels });

  it('lets a component update the Gateway Meshdeck created for it', () => {
    const mine = existing({
      [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      [KUBERNETES_ID_ANNOTATION]: 'shop',
    });
    expect(k8sGatewayOwnershipFindings(mine, 'shop')).toEqual([]);
    expect(k8sGatewayOwnershipFindings(undefined, 'shop')).toEqual([]);
  });

  it.each([
    [{ team: 'platform' }, 'someone else (not created by Meshdeck)'],
    [
      {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [KUBERNETES_ID_ANNOTATION]: 'cart',
      },
      "component 'cart'",
    ],
  ])('never overwrites a Gateway of %j', (labels, owner) => {
    expect(k8sGatewayOwnershipFindings(existing(labels), 'shop')).toEqual([
      {
        id: 'gateway-owned-by-other',
        severity: 'error',
        object: 'istio-ingress/Gateway/shop',
        message: `Gateway istio-ingress/shop (gateway.networking.k8s.io) already exists and belongs to ${owner}; a template does not overwrite it`,
        fix: 'Choose another Gateway name, or attach an HTTPRoute to the existing Gateway',
      },
    ]);
  });
});

describe('k8sGatewayListenerFindings', () => {
  it('accepts listeners with distinct port, protocol and hostname', () => {
    const gw = k8sGateway(INGRESS, 'g', [
      rawListener('a', { hostname: 'a.example.com' }),
      rawListener('b', { hostname: 'b.example.com' }),
      rawListener('c', { hostname: 'a.example.com', port: 8443 }),
    ]);
    expect(k8sGatewayListenerFindings(gw)).toEqual([]);
  });

  it.each([
    [
      'the same hostname twice (HostnameConflict)',
      [rawListener('a'), rawListener('b')],
      "listeners 'a' and 'b' of Gateway istio-ingress/g both serve every hostname with HTTPS on port 443 (HostnameConflict)",
    ],
    [
      'HTTP and HTTPS on one port (ProtocolConflict)',
      [
        rawListener('a', { port: 8080 }),
        rawListener('b', { protocol: 'HTTP', port: 8080 }),
      ],
      "listeners 'a' (HTTPS) and 'b' (HTTP) of Gateway istio-ingress/g share port 8080 with incompatible protocols (ProtocolConflict)",
    ],
    [
      'one name twice',
      [
        rawListener('a', { hostname: 'x.example.com' }),
        rawListener('a', { hostname: 'y.example.com' }),
      ],
      "Gateway istio-ingress/g has two listeners named 'a'",
    ],
  ])('reports %s', (_, listeners, message) => {
    expect(
      k8sGatewayListenerFindings(k8sGateway(INGRESS, 'g', listeners)),
    ).toEqual([
      {
        id: 'gateway-listener-conflict',
        severity: 'error',
        object: 'istio-ingress/Gateway/g',
        message,
      },
    ]);
  });
});

describe('k8sGatewayCertificateRefFindings', () => {
  const gw = k8sGateway(INGRESS, 'shop', [
    rawListener('https', {
      certificates: [{ name: 'wildcard', namespace: 'certs' }],
      allowedRoutes: fromAll,
    }),
  ]);

  it('refuses a certificate in another namespace without a ReferenceGrant, with the grant to add', () => {
    const [finding, ...rest] = k8sGatewayCertificateRefFindings(
      { referenceGrants: [] },
      gw,
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'certificate-ref-not-permitted',
      severity: 'error',
      object: 'istio-ingress/Gateway/shop',
      message:
        "listener 'https' of Gateway istio-ingress/shop uses Secret certs/wildcard from another namespace, and no ReferenceGrant in 'certs' lets Gateways of 'istio-ingress' reference it (ResolvedRefs=False, RefNotPermitted)",
    });
    expect(finding.fix).toContain(
      [
        'metadata:',
        '  name: gateway-istio-ingress-to-secret-wildcard',
        '  namespace: certs',
        'spec:',
        '  from:',
        '    - group: "gateway.networking.k8s.io"',
        '      kind: Gateway',
        '      namespace: istio-ingress',
        '  to:',
        '    - group: ""',
        '      kind: Secret',
        '      name: wildcard',
      ].join('\n'),
    );
  });

  it('accepts it with a ReferenceGrant in the Secret namespace', () => {
    const grant = referenceGrant('certs', 'ingress', fromGateways, [
      { group: '', kind: 'Secret', name: 'wildcard' },
    ]);
    expect(
      k8sGatewayCertificateRefFindings({ referenceGrants: [grant] }, gw),
    ).toEqual([]);
  });

  it('refuses an HTTPS listener without certificates', () => {
    const bare = k8sGateway(INGRESS, 'bare', [
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate' },
      },
      { name: 'notls', port: 8443, protocol: 'HTTPS' },
    ]);
    expect(
      k8sGatewayCertificateRefFindings({ referenceGrants: [] }, bare).map(
        f => f.id,
      ),
    ).toEqual([
      'gateway-listener-no-certificate',
      'gateway-listener-no-certificate',
    ]);
  });
});

describe('k8sGatewayFindings', () => {
  const gw = k8sGateway(INGRESS, 'shop', [
    rawListener('https', {
      hostname: 'shop.example.com',
      certificates: ['shop-cert'],
    }),
    rawListener('wild', {
      hostname: '*.example.com',
      port: 8443,
      certificates: ['shop-cert'],
    }),
  ]);

  it('checks before writing that each certificate covers its listener hostname', () => {
    const covered = gatewayApiModel({
      credentials: [
        credential(INGRESS, 'shop-cert', ['shop.example.com', '*.example.com']),
      ],
    });
    expect(k8sGatewayFindings(covered, gw, { purpose: 'preflight' })).toEqual(
      [],
    );
    const narrow = gatewayApiModel({
      credentials: [credential(INGRESS, 'shop-cert', ['shop.example.com'])],
    });
    expect(
      k8sGatewayFindings(narrow, gw, { purpose: 'preflight' }).map(
        f => f.message,
      ),
    ).toEqual([
      'The certificate (shop.example.com) does not cover *.example.com: clients get a TLS name-mismatch error',
    ]);
    expect(k8sGatewayFindings(narrow, gw, { purpose: 'status' })).toEqual([]);
  });
});

describe('referenceGrantOwnershipFindings', () => {
  it('never overwrites a ReferenceGrant Meshdeck did not create', () => {
    const theirs = referenceGrant('certs', 'g', fromGateways, [
      { group: '', kind: 'Secret' },
    ]);
    const ours = referenceGrant(
      'certs',
      'g',
      fromGateways,
      [{ group: '', kind: 'Secret' }],
      { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    );
    expect(referenceGrantOwnershipFindings(theirs)).toEqual([
      expect.objectContaining({
        id: 'reference-grant-owned-by-other',
        object: 'certs/ReferenceGrant/g',
      }),
    ]);
    expect(referenceGrantOwnershipFindings(ours)).toEqual([]);
    expect(referenceGrantOwnershipFindings(undefined)).toEqual([]);
  });
});

describe('referenceGrantName', () => {
  it('names the reference, within 253 characters', () => {
    const from = fromGateways[0];
    expect(
      referenceGrantName(from, {
        group: '',
        kind: 'Secret',
        namespace: 'certs',
        name: 'wildcard',
      }),
    ).toBe('gateway-istio-ingress-to-secret-wildcard');
    const long = referenceGrantName(from, {
      group: '',
      kind: 'Secret',
      namespace: 'certs',
      name: `${'a'.repeat(250)}.b`,
    });
    expect(long).toHaveLength(253);
    expect(long).toMatch(/^gateway-istio-ingress-to-secret-a+-[0-9a-f]{8}$/);
    expect(
      referenceGrantName(from, {
        group: '',
        kind: 'Secret',
        namespace: 'certs',
        name: `${'a'.repeat(250)}.c`,
      }),
    ).not.toBe(long);
  });
});
