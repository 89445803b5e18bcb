import {
  CertificateStatus,
  ClusterStatus,
  MeshStatus,
} from '@meshdeck/plugin-istio-common';

const KIALI = 'https://kiali.example.com/kiali';
const FQDN = 'checkout.shop.svc.cluster.local';

function pod(name: string, injected: boolean, version = '1.30.3') {
  return {
    name,
    phase: 'Running',
    ready: true,
    restarts: 0,
    sidecar: injected
      ? {
          injected: true,
          native: false,
          image: `docker.io/istio/proxyv2:${version}`,
          version,
          revision: 'default',
          ready: true,
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '2', memory: '1Gi' },
          },
        }
      : {
          injected: false,
          native: false,
          missingReason: 'created-before-injection' as const,
        },
  };
}

/** The demo's checkout service as one cluster answers for it. */
export function checkoutCluster(
  overrides: Partial<ClusterStatus> = {},
): ClusterStatus {
  return {
    name: 'eks-prod',
    title: 'Production',
    controlPlane: [
      { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
    ],
    namespaces: [
      {
        name: 'shop',
        injection: 'sidecar',
        labels: { 'istio-injection': 'enabled' },
      },
    ],
    workloads: [
      {
        kind: 'Deployment',
        name: 'checkout-v1',
        namespace: 'shop',
        pods: [pod('checkout-v1-7d9-a', true), pod('checkout-v1-7d9-b', true)],
        mtls: { mode: 'STRICT', source: 'shop/PeerAuthentication/default' },
      },
      {
        kind: 'Deployment',
        name: 'checkout-v2',
        namespace: 'shop',
        pods: [pod('checkout-v2-5f4-a', true), pod('checkout-v2-5f4-b', false)],
        mtls: { mode: 'STRICT', source: 'shop/PeerAuthentication/default' },
      },
    ],
    traffic: {
      gateways: [
        {
          ref: 'istio-ingress/public-gateway',
          hosts: ['*.shop.example.com'],
          servers: [
            {
              port: 443,
              protocol: 'HTTPS',
              hosts: ['*.shop.example.com'],
              tlsMode: 'SIMPLE',
              credentialName: 'istio-gateway-cert',
            },
          ],
        },
      ],
      virtualServices: [
        {
          ref: 'shop/checkout',
          hosts: ['checkout.shop.example.com'],
          gateways: ['istio-ingress/public-gateway'],
          routes: [
            {
              destinations: [
                { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
                { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
              ],
            },
          ],
        },
      ],
      destinationRules: [
        {
          ref: 'shop/checkout',
          host: 'checkout',
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
      ],
      authorizationPolicies: [],
    },
    certificates: [
      {
        hosts: ['checkout.shop.example.com'],
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
      },
    ],
    topology: {
      nodes: [
        {
          id: 'host:checkout.shop.example.com',
          kind: 'host',
          label: 'checkout.shop.example.com',
        },
        {
          id: 'gateway:istio-ingress/public-gateway',
          kind: 'gateway',
          label: 'istio-ingress/public-gateway',
        },
        { id: 'vs:shop/checkout', kind: 'virtualService', label: 'checkout' },
        { id: `service:${FQDN}`, kind: 'service', label: 'checkout' },
        { id: `subset:${FQDN}/v1`, kind: 'subset', label: 'v1' },
        { id: `subset:${FQDN}/v2`, kind: 'subset', label: 'v2' },
        {
          id: 'workload:shop/checkout-v1',
          kind: 'workload',
          label: 'checkout-v1',
          podCount: 2,
        },
        {
          id: 'workload:shop/checkout-v2',
          kind: 'workload',
          label: 'checkout-v2',
          podCount: 2,
        },
      ],
      edges: [
        {
          from: 'host:checkout.shop.example.com',
          to: 'gateway:istio-ingress/public-gateway',
        },
        {
          from: 'gateway:istio-ingress/public-gateway',
          to: 'vs:shop/checkout',
        },
        { from: 'vs:shop/checkout', to: `service:${FQDN}` },
        { from: `service:${FQDN}`, to: `subset:${FQDN}/v1`, weight: 90 },
        { from: `service:${FQDN}`, to: `subset:${FQDN}/v2`, weight: 10 },
        { from: `subset:${FQDN}/v1`, to: 'workload:shop/checkout-v1' },
        { from: `subset:${FQDN}/v2`, to: 'workload:shop/checkout-v2' },
      ],
    },
    findings: [
      {
        id: 'sidecar-missing',
        severity: 'warning',
        code: 'IST0103',
        object: 'shop/Pod/checkout-v2-5f4-b',
        message:
          'Pod has no sidecar: it was created before its namespace was enabled for injection',
        fix: 'kubectl rollout restart deployment/checkout-v2 -n shop',
      },
      {
        id: 'certificate-expiring',
        severity: 'warning',
        object: 'istio-ingress/Secret/istio-gateway-cert',
        message:
          'The certificate for checkout.shop.example.com expires in 12 days (2026-12-10T00:00:00.000Z)',
        fix: 'kubectl annotate externalsecret istio-gateway-cert -n istio-ingress force-sync=$(date +%s) --overwrite',
      },
    ],
    links: {
      kialiGraph: `${KIALI}/console/graph/namespaces?namespaces=shop&graphType=versionedApp&duration=600&refresh=60000`,
      kialiWorkloads: {
        'shop/checkout-v1': `${KIALI}/console/namespaces/shop/workloads/checkout-v1`,
        'shop/checkout-v2': `${KIALI}/console/namespaces/shop/workloads/checkout-v2`,
      },
      kialiServices: {
        'shop/checkout': `${KIALI}/console/namespaces/shop/services/checkout`,
      },
      kialiConfig: {
        'VirtualService:shop/checkout': `${KIALI}/console/namespaces/shop/istio/networking.istio.io/v1/VirtualService/checkout`,
      },
      jaeger: {
        shop: 'https://jaeger.example.com/search?service=checkout.shop&lookback=1h&limit=20',
      },
    },
    errors: [],
    ...overrides,
  };
}

export function meshStatus(
  clusters: ClusterStatus[] = [checkoutCluster()],
  verdict: MeshStatus['verdict'] = 'warning',
): MeshStatus {
  return {
    entityRef: 'component:default/checkout',
    verdict,
    generatedAt: '2026-11-28T04:00:00.000Z',
    clusters,
  };
}

/** A cluster that could not be read at all. */
export function unreachableCluster(name = 'eks-dr'): ClusterStatus {
  return {
    ...checkoutCluster(),
    name,
    title: undefined,
    controlPlane: [],
    namespaces: [],
    workloads: [],
    traffic: {
      gateways: [],
      virtualServices: [],
      destinationRules: [],
      authorizationPolicies: [],
    },
    certificates: [],
    topology: { nodes: [], edges: [] },
    findings: [],
    links: {},
    errors: [
      {
        source: 'kubernetes',
        kind: 'unreachable',
        message: 'cannot reach the API server: connect ECONNREFUSED',
      },
    ],
  };
}

const ACM_ARN =
  'arn:aws:acm:eu-west-1:123456789012:certificate/5f0c1e2d-checkout';

/**
 * The gateway also serves checkout.example.com, which the certificate
 * (*.shop.example.com) does not cover: clients of that host get a TLS error.
 */
export function notCoveredCertificate(): CertificateStatus {
  const [base] = checkoutCluster().certificates;
  return {
    ...base,
    hosts: ['checkout.shop.example.com', 'checkout.example.com'],
    certificate: {
      ...base.certificate!,
      daysLeft: 80,
      notAfter: '2027-02-16T00:00:00.000Z',
      uncoveredHosts: ['checkout.example.com'],
    },
    verdict: 'not-covered',
    verdicts: ['not-covered'],
    severity: 'critical',
  };
}

/**
 * The ExternalSecret fails while ACM already holds the renewed certificate:
 * the fix is the sync, not a renewal.
 */
export function syncFailingRenewedCertificate(): CertificateStatus {
  const [base] = checkoutCluster().certificates;
  return {
    ...base,
    certificate: {
      ...base.certificate!,
      daysLeft: 60,
      notAfter: '2027-01-27T00:00:00.000Z',
    },
    externalSecret: {
      name: 'istio-gateway-cert',
      ready: false,
      reason: 'SecretSyncedError',
      message: 'could not get secret data from provider',
      refreshTime: '2026-11-27T03:00:00Z',
      refreshInterval: '1h',
    },
    acm: {
      arn: ACM_ARN,
      status: 'ISSUED',
      type: 'AMAZON_ISSUED',
      serial: '0d:3e:4f',
      notAfter: '2027-12-20T23:59:59.000Z',
      renewalStatus: 'SUCCESS',
      inUseBy: [],
      renewedCertificateWaiting: true,
    },
    verdict: 'sync-failing',
    verdicts: ['sync-failing', 'rotation-due'],
    severity: 'critical',
  };
}

/** Everything wrong at once: not covered, sync failing, renewed in ACM, expiring. */
export function troubledCertificate(): CertificateStatus {
  const synced = syncFailingRenewedCertificate();
  const uncovered = notCoveredCertificate();
  return {
    ...synced,
    hosts: uncovered.hosts,
    certificate: {
      ...synced.certificate!,
      daysLeft: 12,
      notAfter: '2026-12-10T00:00:00.000Z',
      uncoveredHosts: ['checkout.example.com'],
    },
    verdict: 'not-covered',
    verdicts: ['not-covered', 'sync-failing', 'rotation-due', 'expiring'],
    severity: 'critical',
  };
}

function ambientPod(
  name: string,
  captured: boolean,
  programmed = true,
): ClusterStatus['workloads'][number]['pods'][number] {
  return {
    name,
    phase: 'Running',
    ready: true,
    restarts: 0,
    sidecar: { injected: false, native: false, missingReason: 'ambient' },
    dataplane: {
      mode: 'ambient',
      captured,
      waypoint: {
        name: 'shop-waypoint',
        namespace: 'shop',
        source: 'namespace',
        programmed,
      },
    },
  };
}

/**
 * The checkout service in ambient mode: three pods captured by istio-cni,
 * ztunnel ready on every node, the namespace's waypoint programmed.
 */
export function ambientCheckoutCluster(
  overrides: Partial<ClusterStatus> = {},
): ClusterStatus {
  const base = checkoutCluster();
  return {
    ...base,
    namespaces: [
      {
        name: 'shop',
        injection: 'ambient',
        labels: { 'istio.io/dataplane-mode': 'ambient' },
      },
    ],
    workloads: [
      {
        kind: 'Deployment',
        name: 'checkout-v1',
        namespace: 'shop',
        pods: [
          ambientPod('checkout-v1-7d9-a', true),
          ambientPod('checkout-v1-7d9-b', true),
          ambientPod('checkout-v1-7d9-c', true),
        ],
        mtls: { mode: 'STRICT', source: 'shop/PeerAuthentication/default' },
      },
    ],
    findings: base.findings.filter(f => f.id !== 'sidecar-missing'),
    ambient: {
      ztunnel: {
        namespace: 'istio-system',
        name: 'ztunnel',
        desired: 3,
        ready: 3,
      },
      waypoints: [
        { name: 'shop-waypoint', namespace: 'shop', programmed: true },
      ],
    },
    ...overrides,
  };
}

/**
 * Half-way to ambient: two ambient pods (one not captured) next to a pod
 * that kept its sidecar and one that opted out of ambient mode; the waypoint
 * is not programmed and ztunnel is ready on 2 of 3 nodes.
 */
export function mixedCheckoutCluster(): ClusterStatus {
  const base = ambientCheckoutCluster();
  const [sidecarPod] = checkoutCluster().workloads[0].pods;
  return {
    ...base,
    workloads: [
      {
        kind: 'Deployment',
        name: 'checkout-v1',
        namespace: 'shop',
        pods: [
          ambientPod('checkout-v1-7d9-a', true, false),
          ambientPod('checkout-v1-7d9-b', false, false),
        ],
      },
      {
        kind: 'Deployment',
        name: 'checkout-v2',
        namespace: 'shop',
        pods: [
          {
            ...sidecarPod,
            name: 'checkout-v2-5f4-a',
            dataplane: { mode: 'sidecar' },
          },
          {
            name: 'checkout-batch',
            phase: 'Running',
            ready: true,
            restarts: 0,
            sidecar: {
              injected: false,
              native: false,
              missingReason: 'ambient',
            },
            dataplane: { mode: 'none' },
          },
        ],
      },
    ],
    findings: [
      {
        id: 'ambient-pod-not-captured',
        severity: 'warning',
        object: 'shop/Pod/checkout-v1-7d9-b',
        message:
          'Pod is meant for ambient mode (namespace shop is labelled istio.io/dataplane-mode=ambient) but is not captured by istio-cni: ztunnel is ready on only 2 of 3 nodes',
        fix: 'kubectl rollout status daemonset/ztunnel -n istio-system',
      },
    ],
    ambient: {
      ztunnel: {
        namespace: 'istio-system',
        name: 'ztunnel',
        desired: 3,
        ready: 2,
      },
      waypoints: [
        {
          name: 'shop-waypoint',
          namespace: 'shop',
          programmed: false,
          reason: 'Programmed=False: NoResources: no ready replicas',
        },
      ],
    },
  };
}

const CANARY_FQDN = 'checkout-canary.shop.svc.cluster.local';

/**
 * The checkout service exposed through the Gateway API instead: an
 * HTTPRoute splitting 90/10 between its two Services on the HTTPS listener
 * of a Gateway of class istio, whose `public-istio` Deployment has one of
 * two replicas ready.
 */
export function gatewayApiCheckoutCluster(
  overrides: Partial<ClusterStatus> = {},
): ClusterStatus {
  const base = checkoutCluster();
  const ok = (type: string) => ({ type, status: 'True', reason: type });
  return {
    ...base,
    workloads: base.workloads.map(w => ({
      ...w,
      pods: w.pods.map(p => pod(p.name, true)),
    })),
    traffic: {
      gateways: [],
      virtualServices: [],
      destinationRules: [],
      authorizationPolicies: [],
      httpRoutes: [
        {
          ref: 'shop/checkout',
          hostnames: ['checkout.shop.example.com'],
          parents: [
            {
              gateway: 'istio-ingress/public',
              sectionName: 'https',
              listeners: ['https'],
              conditions: [ok('Accepted'), ok('ResolvedRefs')],
            },
          ],
          rules: [
            {
              matches: ['PathPrefix /'],
              backends: [
                { service: FQDN, port: 8080, weight: 90 },
                { service: CANARY_FQDN, port: 8080, weight: 10 },
              ],
            },
          ],
        },
      ],
      k8sGateways: [
        {
          ref: 'istio-ingress/public',
          className: 'istio',
          listeners: [
            {
              name: 'https',
              port: 443,
              protocol: 'HTTPS',
              hostname: '*.shop.example.com',
              tlsMode: 'Terminate',
              certificateRefs: ['istio-ingress/shop-cert'],
              attachedRoutes: 1,
              conditions: [
                ok('Accepted'),
                ok('ResolvedRefs'),
                ok('Programmed'),
              ],
            },
          ],
          conditions: [ok('Accepted'), ok('Programmed')],
          deployment: {
            namespace: 'istio-ingress',
            name: 'public-istio',
            exists: true,
            ready: false,
            desired: 2,
            readyReplicas: 1,
            availableReplicas: 1,
          },
        },
      ],
    },
    certificates: [
      {
        ...base.certificates[0],
        gateway: 'istio-ingress/public',
        secret: { namespace: 'istio-ingress', name: 'shop-cert' },
        certificate: {
          ...base.certificates[0].certificate!,
          daysLeft: 75,
          notAfter: '2027-02-11T00:00:00.000Z',
        },
        externalSecret: {
          ...base.certificates[0].externalSecret!,
          name: 'shop-cert-sync',
        },
        verdict: 'ok',
        verdicts: ['ok'],
        severity: 'ok',
      },
    ],
    topology: {
      nodes: [
        {
          id: 'httproute:shop/checkout',
          kind: 'httpRoute',
          label: 'checkout',
        },
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
          id: 'host:checkout.shop.example.com',
          kind: 'host',
          label: 'checkout.shop.example.com',
        },
        { id: `service:${FQDN}`, kind: 'service', label: 'checkout' },
        {
          id: 'workload:shop/checkout-v1',
          kind: 'workload',
          label: 'checkout-v1',
          podCount: 2,
        },
        {
          id: `service:${CANARY_FQDN}`,
          kind: 'service',
          label: 'checkout-canary',
        },
        {
          id: 'workload:shop/checkout-v2',
          kind: 'workload',
          label: 'checkout-v2',
          podCount: 2,
        },
      ],
      edges: [
        {
          from: 'host:checkout.shop.example.com',
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
        { from: `service:${FQDN}`, to: 'workload:shop/checkout-v1' },
        {
          from: 'httproute:shop/checkout',
          to: `service:${CANARY_FQDN}`,
          weight: 10,
        },
        { from: `service:${CANARY_FQDN}`, to: 'workload:shop/checkout-v2' },
      ],
    },
    findings: [
      {
        id: 'gateway-deployment-not-ready',
        severity: 'warning',
        object: 'istio-ingress/Gateway/public',
        message:
          'Deployment istio-ingress/public-istio of Gateway istio-ingress/public has 1 of 2 replicas ready',
        fix: 'kubectl get pods -n istio-ingress -l gateway.networking.k8s.io/gateway-name=public',
      },
    ],
    links: {
      ...base.links,
      kialiConfig: {
        'K8sGateway:istio-ingress/public': `${KIALI}/console/namespaces/istio-ingress/istio/gateway.networking.k8s.io/v1/Gateway/public`,
        'HTTPRoute:shop/checkout': `${KIALI}/console/namespaces/shop/istio/gateway.networking.k8s.io/v1/HTTPRoute/checkout`,
      },
    },
    ...overrides,
  };
}
