import {
  MeshOverview,
  OverviewCertificate,
  OverviewCluster,
  OverviewFinding,
  OverviewHost,
  OverviewNamespace,
  OverviewProxyVersion,
} from '@meshdeck/plugin-istio-common';

/** Kiali's overview of the production cluster. */
export const PROD_KIALI =
  'https://kiali.example.com/kiali/console/overview?clusterName=eks-prod';

const CHECKOUT = 'component:default/checkout';
const PAYMENTS = 'component:default/payments';
const STOREFRONT = 'component:default/storefront';
const LEDGER = 'component:default/ledger';
const GUESTS = 'group:default/guests';
const TEAM_PAYMENTS = 'group:default/team-payments';

export function prodCluster(
  overrides: Partial<OverviewCluster> = {},
): OverviewCluster {
  return {
    name: 'eks-prod',
    title: 'Production',
    controlPlane: [
      { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
    ],
    kialiUrl: PROD_KIALI,
    errors: [],
    ...overrides,
  };
}

/** A second cluster: no Kiali, ACM timed out, an upgrade half done. */
export function devCluster(
  overrides: Partial<OverviewCluster> = {},
): OverviewCluster {
  return {
    name: 'eks-dev',
    title: 'Development',
    controlPlane: [
      { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
    ],
    errors: [
      {
        source: 'acm',
        kind: 'timeout',
        message: 'ACM did not answer within 5000 ms',
      },
    ],
    ...overrides,
  };
}

/** The demo's shared gateway certificate, 12 days from expiry. */
export function expiringCertificate(): OverviewCertificate {
  return {
    cluster: 'eks-prod',
    hosts: ['*.shop.example.com'],
    gateway: 'istio-ingress/public-gateway',
    secret: { namespace: 'istio-ingress', name: 'istio-gateway-cert' },
    certificate: {
      subject: 'CN=*.shop.example.com',
      sans: ['*.shop.example.com'],
      issuer: 'CN=Amazon RSA 2048 M02',
      serial: '0a1b2c',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-12-10T00:00:00.000Z',
      daysLeft: 12,
      uncoveredHosts: [],
    },
    externalSecret: {
      name: 'istio-gateway-cert',
      ready: true,
      reason: 'SecretSynced',
      refreshTime: '2026-11-28T03:00:00Z',
      refreshInterval: '1h',
    },
    verdict: 'expiring',
    verdicts: ['expiring'],
    severity: 'warning',
    entities: [CHECKOUT, PAYMENTS],
    owners: [GUESTS, TEAM_PAYMENTS],
  };
}

/** A certificate whose sync fails while ACM holds the renewed one. */
export function syncFailingCertificate(): OverviewCertificate {
  return {
    cluster: 'eks-dev',
    hosts: ['payments.dev.example.com'],
    gateway: 'istio-ingress/dev-gateway',
    secret: { namespace: 'istio-ingress', name: 'payments-dev-cert' },
    certificate: {
      subject: 'CN=payments.dev.example.com',
      sans: ['payments.dev.example.com'],
      issuer: 'CN=Amazon RSA 2048 M02',
      serial: '0d0e0f',
      notBefore: '2025-12-06T00:00:00.000Z',
      notAfter: '2026-12-06T00:00:00.000Z',
      daysLeft: 5,
      uncoveredHosts: [],
    },
    externalSecret: {
      name: 'payments-dev-cert',
      ready: false,
      reason: 'SecretSyncedError',
      message: 'could not get secret data from provider',
    },
    acm: {
      arn: 'arn:aws:acm:eu-west-1:123456789012:certificate/5e6f',
      status: 'ISSUED',
      notAfter: '2027-12-06T00:00:00.000Z',
      serial: 'ff01',
      renewalStatus: 'SUCCESS',
      type: 'AMAZON_ISSUED',
      inUseBy: [],
      renewedCertificateWaiting: true,
    },
    verdict: 'sync-failing',
    verdicts: ['sync-failing', 'rotation-due', 'expiring'],
    severity: 'critical',
    entities: [PAYMENTS],
    owners: [TEAM_PAYMENTS],
  };
}

/** The Gateway API gateway's certificate, 90 days left. */
export function okCertificate(): OverviewCertificate {
  return {
    cluster: 'eks-prod',
    hosts: ['*.store.example.com'],
    gateway: 'storefront/public-gw',
    secret: { namespace: 'storefront', name: 'public-gw-cert' },
    certificate: {
      subject: 'CN=*.store.example.com',
      sans: ['*.store.example.com'],
      issuer: 'CN=Meshdeck demo CA',
      serial: '1a2b',
      notBefore: '2026-11-29T00:00:00.000Z',
      notAfter: '2027-02-27T00:00:00.000Z',
      daysLeft: 90,
      uncoveredHosts: [],
    },
    verdict: 'ok',
    verdicts: ['ok'],
    severity: 'ok',
    entities: [STOREFRONT],
    owners: [GUESTS],
  };
}

export function hosts(): OverviewHost[] {
  return [
    {
      cluster: 'eks-prod',
      host: 'api.shop.example.com',
      gateway: 'istio-ingress/public-gateway',
      api: 'istio',
      routes: [
        { kind: 'VirtualService', namespace: 'shop', name: 'api' },
        {
          kind: 'VirtualService',
          namespace: 'team-payments',
          name: 'api-legacy',
        },
      ],
      certificate: { secret: 'istio-gateway-cert', verdict: 'expiring' },
      conflict:
        'api.shop.example.com is claimed by VirtualServices in 2 namespaces (shop, team-payments) on istio-ingress/public-gateway',
      entities: [CHECKOUT, PAYMENTS],
      owners: [GUESTS, TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      host: 'checkout.shop.example.com',
      gateway: 'istio-ingress/public-gateway',
      api: 'istio',
      routes: [{ kind: 'VirtualService', namespace: 'shop', name: 'checkout' }],
      certificate: { secret: 'istio-gateway-cert', verdict: 'expiring' },
      entities: [CHECKOUT],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-dev',
      host: 'payments.dev.example.com',
      gateway: 'istio-ingress/dev-gateway',
      api: 'istio',
      routes: [
        {
          kind: 'VirtualService',
          namespace: 'team-payments',
          name: 'payments',
        },
      ],
      certificate: { secret: 'payments-dev-cert', verdict: 'sync-failing' },
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      host: 'shop.store.example.com',
      gateway: 'storefront/public-gw',
      api: 'gateway-api',
      listener: 'https',
      routes: [
        { kind: 'HTTPRoute', namespace: 'storefront', name: 'storefront' },
      ],
      certificate: { secret: 'public-gw-cert', verdict: 'ok' },
      entities: [STOREFRONT],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-prod',
      host: 'status.shop.example.com',
      gateway: 'istio-ingress/public-gateway',
      api: 'istio',
      routes: [],
      certificate: { secret: 'istio-gateway-cert', verdict: 'expiring' },
      entities: [],
      owners: [],
    },
  ];
}

export function namespaces(): OverviewNamespace[] {
  return [
    {
      cluster: 'eks-dev',
      name: 'team-payments',
      injection: 'sidecar',
      podsInMesh: 2,
      podsOutsideMesh: 0,
      mtls: 'PERMISSIVE',
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      name: 'ledger',
      injection: 'ambient',
      podsInMesh: 3,
      podsOutsideMesh: 0,
      mtls: 'STRICT',
      entities: [LEDGER],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-prod',
      name: 'shop',
      injection: 'sidecar',
      podsInMesh: 3,
      podsOutsideMesh: 1,
      mtls: 'STRICT',
      entities: [CHECKOUT],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-prod',
      name: 'storefront',
      injection: 'revision',
      revision: 'default',
      podsInMesh: 3,
      podsOutsideMesh: 0,
      mtls: 'STRICT',
      entities: [STOREFRONT],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-prod',
      name: 'team-payments',
      injection: 'none',
      podsInMesh: 0,
      podsOutsideMesh: 2,
      mtls: 'UNSET',
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
  ];
}

export function proxyVersions(): OverviewProxyVersion[] {
  return [
    {
      cluster: 'eks-dev',
      version: '1.29.1',
      revision: 'default',
      pods: 2,
      outdated: true,
      namespaces: [
        {
          namespace: 'team-payments',
          pods: 2,
          entities: [PAYMENTS],
          owners: [TEAM_PAYMENTS],
        },
      ],
    },
    {
      cluster: 'eks-prod',
      version: '1.30.3',
      revision: 'default',
      pods: 6,
      outdated: false,
      namespaces: [
        { namespace: 'shop', pods: 3, entities: [CHECKOUT], owners: [GUESTS] },
        {
          namespace: 'storefront',
          pods: 3,
          entities: [STOREFRONT],
          owners: [GUESTS],
        },
      ],
    },
  ];
}

export function findings(): OverviewFinding[] {
  return [
    {
      cluster: 'eks-prod',
      id: 'host-conflict',
      severity: 'error',
      code: 'IST0109',
      object: 'shop/VirtualService/api',
      message:
        'api.shop.example.com on istio-ingress/public-gateway is also claimed by team-payments/api-legacy',
      entities: [CHECKOUT, PAYMENTS],
      owners: [GUESTS, TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-dev',
      id: 'certificate-sync-failing',
      severity: 'error',
      object: 'istio-ingress/ExternalSecret/payments-dev-cert',
      message:
        'The ExternalSecret payments-dev-cert is not ready: could not get secret data from provider',
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      id: 'sidecar-missing',
      severity: 'warning',
      code: 'IST0103',
      object: 'shop/Pod/checkout-v2-5f4-b',
      message:
        'Pod has no sidecar: it was created before its namespace was enabled for injection',
      fix: 'kubectl rollout restart deployment/checkout-v2 -n shop',
      entities: [CHECKOUT],
      owners: [GUESTS],
    },
    {
      cluster: 'eks-dev',
      id: 'sidecar-missing',
      severity: 'warning',
      code: 'IST0103',
      object: 'team-payments/Pod/payments-debug',
      message:
        'Pod has no sidecar: opted out with sidecar.istio.io/inject=false',
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      id: 'certificate-expiring',
      severity: 'warning',
      object: 'istio-ingress/Secret/istio-gateway-cert',
      message:
        'The certificate for *.shop.example.com expires in 12 days (2026-12-10T00:00:00.000Z)',
      entities: [CHECKOUT, PAYMENTS],
      owners: [GUESTS, TEAM_PAYMENTS],
    },
    {
      cluster: 'eks-prod',
      id: 'namespace-not-injected',
      severity: 'info',
      code: 'IST0102',
      object: 'team-payments/Namespace/team-payments',
      message: 'The namespace is not enabled for sidecar injection',
      fix: 'kubectl label namespace team-payments istio-injection=enabled',
      entities: [PAYMENTS],
      owners: [TEAM_PAYMENTS],
    },
  ];
}

/**
 * The overview of two clusters: the demo mesh in production (the expiring
 * shared certificate, a host conflict, a namespace outside the mesh) and a
 * development cluster whose ACM timed out, with a failing certificate sync
 * and proxies older than their control plane.
 */
export function meshOverview(
  overrides: Partial<MeshOverview> = {},
): MeshOverview {
  return {
    generatedAt: '2026-11-28T12:00:00.000Z',
    clusters: [prodCluster(), devCluster()],
    certificates: [
      syncFailingCertificate(),
      expiringCertificate(),
      okCertificate(),
    ],
    hosts: hosts(),
    namespaces: namespaces(),
    proxyVersions: proxyVersions(),
    findings: findings(),
    ...overrides,
  };
}

/** Clusters configured, nothing found in them. */
export function emptyOverview(
  overrides: Partial<MeshOverview> = {},
): MeshOverview {
  return meshOverview({
    clusters: [prodCluster()],
    certificates: [],
    hosts: [],
    namespaces: [],
    proxyVersions: [],
    findings: [],
    ...overrides,
  });
}
