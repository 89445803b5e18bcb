/*
 * Applies a realistic Istio mesh for the demo component `checkout` to the
 * cluster of KUBECONFIG (current context):
 *
 *   yarn demo:seed
 *
 * - istio-system: an istiod Deployment carrying Istio 1.30.3
 * - istio-ingress: the shared Gateway `public-gateway` for *.shop.example.com,
 *   its TLS secret `istio-gateway-cert` (a certificate 12 days from expiry)
 *   written by an ExternalSecret of the same name
 * - shop: onboarded (istio-injection=enabled, mTLS STRICT); Service
 *   `checkout` in two versions behind a 90/10 canary (DestinationRule +
 *   VirtualService on the gateway); three pods with a sidecar and one created
 *   before the namespace joined the mesh, without one
 * - team-payments: the Service `payments` with two pods, not in the mesh —
 *   for the onboarding template (reset to that state on every run)
 * - storefront (component `storefront`, the Gateway API): sidecar injection,
 *   mTLS STRICT; its Gateway `public-gw` (class `istio`, HTTPS listener for
 *   *.store.example.com with the TLS secret `public-gw-cert` beside it, 90
 *   days) and what istiod deploys for it (`public-gw-istio`); the HTTPRoute
 *   `storefront` sending shop.store.example.com 80/20 to the Services
 *   `storefront-v1` (two pods) and `storefront-v2` (one pod)
 * - ledger (component `ledger`, ambient mode): the namespace labelled
 *   istio.io/dataplane-mode=ambient and istio.io/use-waypoint=waypoint, its
 *   waypoint Gateway `waypoint` (class `istio-waypoint`, HBONE 15008), the
 *   ztunnel and istio-cni DaemonSets in istio-system, three pods without
 *   sidecars, one of which istio-cni has not captured
 *
 * Idempotent: objects are server-side applied, pods only created once. On a
 * cluster without nodes (no kubelet, e.g. Meshdeck's testbed) it also writes
 * what the controllers would: pods Running and ready, the ExternalSecret
 * synced, the GatewayClasses, Gateways and HTTPRoute accepted and
 * programmed, the Gateway Deployments, ztunnel and istio-cni ready, and two
 * of the three ledger pods captured by istio-cni.
 */
import type {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import {
  buildDestinationRule,
  buildGateway,
  buildHttpRoute,
  buildK8sGateway,
  buildNamespace,
  buildPeerAuthentication,
  buildVirtualService,
  buildWaypoint,
  DEFAULT_ISTIO_API_VERSIONS,
  waypointEnrolmentLabels,
} from '@meshdeck/plugin-istio-common';
import { parseCertificate } from '@meshdeck/plugin-istio-node';
import {
  createTestCertificate,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';

const FIELD_MANAGER = 'meshdeck-demo';
const ISTIO_VERSION = '1.30.3';
const INGRESS = 'istio-ingress';
const SHOP = 'shop';
const PAYMENTS = 'team-payments';
const CERT = 'istio-gateway-cert';
const v = DEFAULT_ISTIO_API_VERSIONS;

type Obj = Record<string, any>;

const HASH = { v1: '7d9f8c6b5', v2: '5f4c8d7e9' } as const;

function checkoutLabels(version: 'v1' | 'v2') {
  return {
    app: 'checkout',
    version,
    'backstage.io/kubernetes-id': 'checkout',
  };
}

function checkoutPod(
  version: 'v1' | 'v2',
  suffix: string,
  sidecar: boolean,
  replicaSetUid: string,
) {
  const hash = HASH[version];
  const labels = {
    ...checkoutLabels(version),
    'pod-template-hash': hash,
    ...(sidecar && {
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'checkout',
      'service.istio.io/canonical-revision': version,
    }),
  };
  const app = {
    name: 'checkout',
    image: `ghcr.io/example/checkout:${version === 'v1' ? '2.4.1' : '2.5.0'}`,
    ports: [{ name: 'http', containerPort: 8080 }],
  };
  return {
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `checkout-${version}-${hash}-${suffix}`,
        namespace: SHOP,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `checkout-${version}-${hash}`,
            uid: replicaSetUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        ...(sidecar && {
          annotations: {
            'sidecar.istio.io/status': JSON.stringify({
              initContainers: ['istio-init'],
              containers: ['istio-proxy'],
              volumes: ['istio-envoy', 'istio-data', 'istio-token'],
              revision: 'default',
            }),
          },
        }),
      },
      spec: {
        containers: sidecar
          ? [
              app,
              {
                name: 'istio-proxy',
                image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
                args: ['proxy', 'sidecar'],
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '2', memory: '1Gi' },
                },
              },
            ]
          : [app],
      },
    } as Obj,
  };
}

// ---------------------------------------------------------------------------
// storefront (Gateway API) and ledger (ambient mode)

const STOREFRONT = 'storefront';
const STORE_GATEWAY = 'public-gw';
const STORE_CERT = 'public-gw-cert';
const STORE_HOST = 'shop.store.example.com';
const LEDGER = 'ledger';
const WAYPOINT = 'waypoint';
const LEDGER_HASH = '5b9d7c8f6';
const LEDGER_PODS = ['c4x7w', 'j2p9s', 'n6v3k'];
/** The pod istio-cni has not captured (its node's agent was restarting). */
const LEDGER_UNCAPTURED = `${LEDGER}-${LEDGER_HASH}-n6v3k`;
const GATEWAY_API = 'gateway.networking.k8s.io';
const GATEWAY_CONTROLLER = 'istio.io/gateway-controller';
/** The ELB the AWS load balancer controller would give `public-gw-istio`. */
const STORE_LB_HOSTNAME =
  'k8s-storefro-publicgw-4f1c2a9e7b-1a2b3c4d5e6f7a8b.elb.eu-west-1.amazonaws.com';

/** What the seed's steps share. */
type Seed = {
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  apply: (obj: Obj) => Promise<Obj>;
  createOnce: (obj: Obj) => Promise<boolean>;
};

type ConditionSpec = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
};

/**
 * Conditions as a controller writes them: `observedGeneration` of the
 * object, and `lastTransitionTime` kept while the status does not change
 * (so seeding again changes nothing).
 */
function controllerConditions(
  previous: Obj[] | undefined,
  wanted: ConditionSpec[],
  generation: number | undefined,
  now: string,
): Obj[] {
  return wanted.map(c => {
    const before = previous?.find(
      p => p.type === c.type && p.status === c.status,
    );
    return {
      ...c,
      ...(generation !== undefined && { observedGeneration: generation }),
      lastTransitionTime: before?.lastTransitionTime ?? now,
    };
  });
}

/** `Available` and `Progressing` as the Deployment controller writes them. */
function deploymentConditions(
  previous: Obj[] | undefined,
  replicaSet: string,
  now: string,
): Obj[] {
  return controllerConditions(
    previous,
    [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${replicaSet}" has successfully progressed.`,
      },
    ],
    undefined,
    now,
  ).map(c => ({ ...c, lastUpdateTime: c.lastTransitionTime }));
}

const ownedBy = (owner: Obj, extra: Obj = {}) => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  ...extra,
});

/**
 * A Deployment, its ReplicaSet and pods named as the controllers name them,
 * each pod shaped like the checkout demo's: with a sidecar as Istio's
 * injector writes it, or plain (for ambient mode).
 */
async function deploymentWithPods(
  seed: Seed,
  options: {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    /** The app container. */
    container: Obj;
    hash: string;
    /** Pod name suffixes, one per replica. */
    pods: string[];
    sidecar: boolean;
  },
): Promise<void> {
  const { namespace, name, labels, hash, sidecar } = options;
  const template = {
    metadata: { labels },
    spec: { containers: [options.container] },
  };
  const deployment = await seed.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.pods.length,
      selector: { matchLabels: labels },
      template,
    },
  });
  const rsLabels = { ...labels, 'pod-template-hash': hash };
  const replicaSet = await seed.apply({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${hash}`,
      namespace,
      labels: rsLabels,
      ownerReferences: [
        ownedBy(deployment, { controller: true, blockOwnerDeletion: true }),
      ],
    },
    spec: {
      replicas: options.pods.length,
      selector: { matchLabels: rsLabels },
      template: { ...template, metadata: { labels: rsLabels } },
    },
  });
  for (const suffix of options.pods) {
    await seed.createOnce({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-${hash}-${suffix}`,
        namespace,
        labels: {
          ...rsLabels,
          ...(sidecar && {
            'security.istio.io/tlsMode': 'istio',
            'service.istio.io/canonical-name': labels.app,
            'service.istio.io/canonical-revision': labels.version ?? 'latest',
          }),
        },
        ownerReferences: [
          ownedBy(replicaSet, { controller: true, blockOwnerDeletion: true }),
        ],
        ...(sidecar && {
          annotations: {
            'sidecar.istio.io/status': JSON.stringify({
              initContainers: ['istio-init'],
              containers: ['istio-proxy'],
              volumes: ['istio-envoy', 'istio-data', 'istio-token'],
              revision: 'default',
            }),
          },
        }),
      },
      spec: {
        containers: [
          options.container,
          ...(sidecar
            ? [
                {
                  name: 'istio-proxy',
                  image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
                  args: ['proxy', 'sidecar'],
                  resources: {
                    requests: { cpu: '100m', memory: '128Mi' },
                    limits: { cpu: '2', memory: '1Gi' },
                  },
                },
              ]
            : []),
        ],
      },
    });
  }
}

/** A ClusterIP Service for the pods with `selector`, port 8080 (`http`). */
function httpService(namespace: string, name: string, selector: Obj): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app: selector.app } },
    spec: {
      selector,
      ports: [
        {
          name: 'http',
          port: 8080,
          targetPort: 8080,
          protocol: 'TCP',
          appProtocol: 'http',
        },
      ],
    },
  };
}

/**
 * The istio-proxy container of a Deployment istiod creates for a Gateway
 * (its `kube-gateway.yaml` / `waypoint.yaml` templates, abridged).
 */
function gatewayProxyContainer(mode: 'router' | 'waypoint'): Obj {
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
    args: [
      'proxy',
      mode,
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel',
      'warning',
      '--proxyComponentLogLevel',
      'misc:error',
      '--log_output_level',
      'default:info',
    ],
    ports: [
      { containerPort: 15020, name: 'metrics', protocol: 'TCP' },
      { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
      { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
    ],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      failureThreshold: 4,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
      capabilities: { drop: ['ALL'] },
    },
  };
}

/**
 * What istiod deploys for a Gateway API Gateway it accepts (class `istio`:
 * `<name>-istio`; class `istio-waypoint`: `<name>`): ServiceAccount,
 * Deployment and Service, owned by the Gateway. Returns the Deployment.
 */
async function istiodGatewayDeployment(
  seed: Seed,
  gateway: Obj,
  options: {
    deploymentName: string;
    controllerLabel: string;
    mode: 'router' | 'waypoint';
    serviceType: 'LoadBalancer' | 'ClusterIP';
    ports: Obj[];
  },
): Promise<Obj> {
  const { namespace, name } = gateway.metadata;
  const className = gateway.spec.gatewayClassName;
  const { deploymentName } = options;
  const owner = [ownedBy(gateway)];
  const labels = {
    'gateway.networking.k8s.io/gateway-name': name,
    'gateway.networking.k8s.io/gateway-class-name': className,
  };
  await seed.apply({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: deploymentName,
      namespace,
      labels,
      ownerReferences: owner,
    },
  });
  const deployment = await seed.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName,
      namespace,
      labels: {
        ...labels,
        'gateway.istio.io/managed': options.controllerLabel,
      },
      ownerReferences: owner,
    },
    spec: {
      selector: {
        matchLabels: { 'gateway.networking.k8s.io/gateway-name': name },
      },
      template: {
        metadata: {
          annotations: {
            'istio.io/rev': 'default',
            'prometheus.io/path': '/stats/prometheus',
            'prometheus.io/port': '15020',
            'prometheus.io/scrape': 'true',
          },
          labels: {
            'sidecar.istio.io/inject': 'false',
            ...(options.mode === 'waypoint' && {
              'istio.io/dataplane-mode': 'none',
            }),
            'service.istio.io/canonical-name': deploymentName,
            'service.istio.io/canonical-revision': 'latest',
            ...labels,
            'gateway.istio.io/managed': options.controllerLabel,
          },
        },
        spec: {
          serviceAccountName: deploymentName,
          containers: [gatewayProxyContainer(options.mode)],
        },
      },
    },
  });
  await seed.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: deploymentName,
      namespace,
      labels,
      ownerReferences: owner,
    },
    spec: {
      type: options.serviceType,
      selector: { 'gateway.networking.k8s.io/gateway-name': name },
      ports: options.ports,
    },
  });
  return deployment;
}

/**
 * `storefront`, exposed with the Gateway API: its own Gateway `public-gw`
 * (class `istio`, HTTPS for *.store.example.com with a certificate in the
 * Gateway's namespace, so no ReferenceGrant), what istiod deploys for it,
 * and the HTTPRoute `storefront` sending shop.store.example.com 80/20 to
 * the Services of two versions; pods with sidecars.
 */
async function seedStorefront(seed: Seed): Promise<void> {
  const { core, apply } = seed;
  await apply(
    buildNamespace({
      name: STOREFRONT,
      injection: 'sidecar',
      kubernetesId: STOREFRONT,
    }),
  );
  await apply(
    buildPeerAuthentication(
      { namespace: STOREFRONT, mode: 'STRICT', kubernetesId: STOREFRONT },
      v,
    ),
  );
  // installed by istiod, one per controller
  for (const [name, controllerName, description] of [
    ['istio', GATEWAY_CONTROLLER, 'The default Istio GatewayClass'],
    [
      'istio-waypoint',
      'istio.io/mesh-controller',
      'The default Istio waypoint GatewayClass',
    ],
  ]) {
    await apply({
      apiVersion: `${GATEWAY_API}/v1`,
      kind: 'GatewayClass',
      metadata: { name },
      spec: { controllerName, description },
    });
  }

  // the certificate: 90 days, renewed by the seed when under 60
  const existing = await core
    .readNamespacedSecret({ namespace: STOREFRONT, name: STORE_CERT })
    .catch(() => undefined);
  const crt = existing?.data?.['tls.crt'];
  const daysLeft = crt
    ? parseCertificate(Buffer.from(crt, 'base64')).daysLeft
    : undefined;
  if (daysLeft === undefined || daysLeft < 60) {
    if (existing) {
      await core.deleteNamespacedSecret({
        namespace: STOREFRONT,
        name: STORE_CERT,
      });
    }
    const certificate = await createTestCertificate({
      sans: ['*.store.example.com', 'store.example.com'],
      validForDays: 90,
    });
    await seed.createOnce(
      tlsSecretManifest(STOREFRONT, STORE_CERT, certificate),
    );
  }

  const gateway = await apply(
    buildK8sGateway({
      name: STORE_GATEWAY,
      namespace: STOREFRONT,
      listeners: [
        {
          name: 'https',
          hostname: '*.store.example.com',
          port: 443,
          protocol: 'HTTPS',
          certificateRefs: [{ name: STORE_CERT }],
          allowedRoutes: { from: 'Same' },
        },
      ],
      kubernetesId: STOREFRONT,
    }),
  );
  await istiodGatewayDeployment(seed, gateway, {
    deploymentName: `${STORE_GATEWAY}-istio`,
    controllerLabel: 'istio.io-gateway-controller',
    mode: 'router',
    serviceType: 'LoadBalancer',
    ports: [
      { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' },
      { name: 'https', port: 443, protocol: 'TCP', appProtocol: 'https' },
    ],
  });

  for (const [version, hash, pods, image] of [
    ['v1', '6d8f9b7c5', ['b7k2m', 'r4t9x'], '3.2.0'],
    ['v2', '84c7d6f9b', ['z8n3q'], '3.3.0-rc.1'],
  ] as const) {
    const labels = {
      app: STOREFRONT,
      version,
      'backstage.io/kubernetes-id': STOREFRONT,
    };
    await deploymentWithPods(seed, {
      namespace: STOREFRONT,
      name: `${STOREFRONT}-${version}`,
      labels,
      container: {
        name: STOREFRONT,
        image: `ghcr.io/example/storefront:${image}`,
        ports: [{ name: 'http', containerPort: 8080 }],
      },
      hash,
      pods: [...pods],
      sidecar: true,
    });
    await apply(
      httpService(STOREFRONT, `${STOREFRONT}-${version}`, {
        app: STOREFRONT,
        version,
      }),
    );
  }
  await apply(
    buildHttpRoute({
      name: STOREFRONT,
      namespace: STOREFRONT,
      hostnames: [STORE_HOST],
      parentRefs: [{ name: STORE_GATEWAY, sectionName: 'https' }],
      rules: [
        {
          backendRefs: [
            { name: `${STOREFRONT}-v1`, port: 8080, weight: 80 },
            { name: `${STOREFRONT}-v2`, port: 8080, weight: 20 },
          ],
        },
      ],
      kubernetesId: STOREFRONT,
    }),
  );
}

/**
 * `ledger`, in ambient mode: the namespace enrolled (and using the waypoint
 * `waypoint`), the waypoint Gateway and what istiod deploys for it, ztunnel
 * and istio-cni in istio-system, three pods without sidecars.
 */
async function seedLedger(seed: Seed): Promise<void> {
  const { apply } = seed;
  await apply(
    buildNamespace({
      name: LEDGER,
      injection: 'ambient',
      labels: waypointEnrolmentLabels(WAYPOINT),
      kubernetesId: LEDGER,
    }),
  );
  await apply(
    buildPeerAuthentication(
      { namespace: LEDGER, mode: 'STRICT', kubernetesId: LEDGER },
      v,
    ),
  );

  // the ambient data plane: istio-cni and ztunnel on every node
  for (const [name, image, selector, args] of [
    ['istio-cni-node', 'install-cni', { 'k8s-app': 'istio-cni-node' }, []],
    ['ztunnel', 'ztunnel', { app: 'ztunnel' }, ['proxy', 'ztunnel']],
  ] as const) {
    const labels = {
      ...selector,
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': ISTIO_VERSION,
      'istio.io/rev': 'default',
    };
    await apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: 'istio-system', labels },
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1 },
        },
        template: {
          metadata: {
            labels: {
              ...labels,
              'sidecar.istio.io/inject': 'false',
              'istio.io/dataplane-mode': 'none',
            },
            annotations: { 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: name,
            priorityClassName: 'system-node-critical',
            ...(name === 'istio-cni-node' && { hostNetwork: true }),
            tolerations: [
              { effect: 'NoSchedule', operator: 'Exists' },
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
            ],
            containers: [
              {
                name: name === 'ztunnel' ? 'istio-proxy' : 'install-cni',
                image: `docker.io/istio/${image}:${ISTIO_VERSION}`,
                ...(args.length > 0 && { args: [...args] }),
                readinessProbe: {
                  httpGet: {
                    path: '/healthz/ready',
                    port: name === 'ztunnel' ? 15021 : 8000,
                  },
                },
              },
            ],
          },
        },
      },
    });
  }

  const waypoint = await apply(
    buildWaypoint({ name: WAYPOINT, namespace: LEDGER, kubernetesId: LEDGER }),
  );
  await istiodGatewayDeployment(seed, waypoint, {
    deploymentName: WAYPOINT,
    controllerLabel: 'istio.io-mesh-controller',
    mode: 'waypoint',
    serviceType: 'ClusterIP',
    ports: [
      { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' },
      { name: 'mesh', port: 15008, protocol: 'TCP', appProtocol: 'all' },
    ],
  });

  const labels = {
    app: LEDGER,
    version: 'v1',
    'backstage.io/kubernetes-id': LEDGER,
  };
  await deploymentWithPods(seed, {
    namespace: LEDGER,
    name: LEDGER,
    labels,
    container: {
      name: LEDGER,
      image: 'ghcr.io/example/ledger:1.12.4',
      ports: [{ name: 'http', containerPort: 8080 }],
    },
    hash: LEDGER_HASH,
    pods: LEDGER_PODS,
    sidecar: false,
  });
  await apply(httpService(LEDGER, LEDGER, { app: LEDGER }));
}

/**
 * Writes what istiod, the Deployment/DaemonSet controllers, the load
 * balancer controller and istio-cni would on a cluster without them: the
 * GatewayClasses, Gateways and HTTPRoute accepted and programmed, the
 * Gateway Deployments ready, ztunnel and istio-cni on three nodes, and two
 * of the three ledger pods captured for ambient mode.
 */
async function writeControllerStatus(seed: Seed): Promise<void> {
  const { core, apps, custom } = seed;
  // as the API machinery writes times: RFC 3339, whole seconds
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const nodes = 3;

  for (const name of ['istio', 'istio-waypoint']) {
    const gatewayClass = (await custom.getClusterCustomObject({
      group: GATEWAY_API,
      version: 'v1',
      plural: 'gatewayclasses',
      name,
    })) as Obj;
    await custom.patchClusterCustomObjectStatus({
      group: GATEWAY_API,
      version: 'v1',
      plural: 'gatewayclasses',
      name,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            conditions: controllerConditions(
              gatewayClass.status?.conditions,
              [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Accepted',
                  message: 'Handled by Istio controller',
                },
              ],
              gatewayClass.metadata.generation,
              now,
            ),
          },
        },
      ],
    });
  }

  // the Gateways: accepted, programmed, with their addresses and listeners
  const listenerConditions: ConditionSpec[] = [
    {
      type: 'Accepted',
      status: 'True',
      reason: 'Accepted',
      message: 'No errors found',
    },
    {
      type: 'Conflicted',
      status: 'False',
      reason: 'NoConflicts',
      message: 'No errors found',
    },
    {
      type: 'Programmed',
      status: 'True',
      reason: 'Programmed',
      message: 'No errors found',
    },
    {
      type: 'ResolvedRefs',
      status: 'True',
      reason: 'ResolvedRefs',
      message: 'No errors found',
    },
  ];
  // the waypoint's address is its Service's cluster IP
  const waypointService = await core.readNamespacedService({
    namespace: LEDGER,
    name: WAYPOINT,
  });
  for (const [namespace, name, address, service, attachedRoutes] of [
    [
      STOREFRONT,
      STORE_GATEWAY,
      { type: 'Hostname', value: STORE_LB_HOSTNAME },
      `${STORE_GATEWAY}-istio.${STOREFRONT}.svc.cluster.local:443`,
      1,
    ],
    [
      LEDGER,
      WAYPOINT,
      { type: 'IPAddress', value: waypointService.spec?.clusterIP ?? '' },
      `${WAYPOINT}.${LEDGER}.svc.cluster.local:15008`,
      0,
    ],
  ] as const) {
    const gateway = (await custom.getNamespacedCustomObject({
      group: GATEWAY_API,
      version: 'v1',
      namespace,
      plural: 'gateways',
      name,
    })) as Obj;
    const generation = gateway.metadata.generation;
    const previous = gateway.status ?? {};
    await custom.patchNamespacedCustomObjectStatus({
      group: GATEWAY_API,
      version: 'v1',
      namespace,
      plural: 'gateways',
      name,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            addresses: [address],
            conditions: controllerConditions(
              previous.conditions,
              [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Accepted',
                  message: 'Resource accepted',
                },
                {
                  type: 'Programmed',
                  status: 'True',
                  reason: 'Programmed',
                  message: `Resource programmed, assigned to service(s) ${service}`,
                },
              ],
              generation,
              now,
            ),
            listeners: (gateway.spec.listeners as Obj[]).map(l => ({
              name: l.name,
              attachedRoutes,
              supportedKinds:
                l.protocol === 'HBONE'
                  ? []
                  : [
                      { group: GATEWAY_API, kind: 'HTTPRoute' },
                      { group: GATEWAY_API, kind: 'GRPCRoute' },
                    ],
              conditions: controllerConditions(
                (previous.listeners as Obj[] | undefined)?.find(
                  p => p.name === l.name,
                )?.conditions,
                listenerConditions,
                generation,
                now,
              ),
            })),
          },
        },
      ],
    });
  }

  // the HTTPRoute: accepted and resolved on its parent
  const route = (await custom.getNamespacedCustomObject({
    group: GATEWAY_API,
    version: 'v1',
    namespace: STOREFRONT,
    plural: 'httproutes',
    name: STOREFRONT,
  })) as Obj;
  await custom.patchNamespacedCustomObjectStatus({
    group: GATEWAY_API,
    version: 'v1',
    namespace: STOREFRONT,
    plural: 'httproutes',
    name: STOREFRONT,
    body: [
      {
        op: 'add',
        path: '/status',
        value: {
          parents: (route.spec.parentRefs as Obj[]).map(parentRef => ({
            parentRef,
            controllerName: GATEWAY_CONTROLLER,
            conditions: controllerConditions(
              (route.status?.parents as Obj[] | undefined)?.find(
                p =>
                  p.parentRef?.name === parentRef.name &&
                  p.parentRef?.sectionName === parentRef.sectionName,
              )?.conditions,
              [
                {
                  type: 'Accepted',
                  status: 'True',
                  reason: 'Accepted',
                  message: 'Route was valid',
                },
                {
                  type: 'ResolvedRefs',
                  status: 'True',
                  reason: 'ResolvedRefs',
                  message: 'All references resolved',
                },
              ],
              route.metadata.generation,
              now,
            ),
          })),
        },
      },
    ],
  });

  // the load balancer of public-gw-istio
  await core.patchNamespacedServiceStatus({
    namespace: STOREFRONT,
    name: `${STORE_GATEWAY}-istio`,
    body: [
      {
        op: 'add',
        path: '/status',
        value: { loadBalancer: { ingress: [{ hostname: STORE_LB_HOSTNAME }] } },
      },
    ],
  });

  // the Deployments istiod created, each with one ready replica
  for (const [namespace, name, hash] of [
    [STOREFRONT, `${STORE_GATEWAY}-istio`, '7c9f5d8b4'],
    [LEDGER, WAYPOINT, '6f4b8c9d7'],
  ]) {
    const deployment = await apps.readNamespacedDeployment({ namespace, name });
    await apps.patchNamespacedDeploymentStatus({
      namespace,
      name,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            observedGeneration: deployment.metadata?.generation,
            replicas: 1,
            updatedReplicas: 1,
            readyReplicas: 1,
            availableReplicas: 1,
            conditions: deploymentConditions(
              deployment.status?.conditions as Obj[] | undefined,
              `${name}-${hash}`,
              now,
            ),
          },
        },
      ],
    });
  }

  // ztunnel and istio-cni, ready on every node
  for (const name of ['istio-cni-node', 'ztunnel']) {
    const daemonSet = await apps.readNamespacedDaemonSet({
      namespace: 'istio-system',
      name,
    });
    await apps.patchNamespacedDaemonSetStatus({
      namespace: 'istio-system',
      name,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            observedGeneration: daemonSet.metadata?.generation,
            currentNumberScheduled: nodes,
            desiredNumberScheduled: nodes,
            numberAvailable: nodes,
            numberMisscheduled: 0,
            numberReady: nodes,
            updatedNumberScheduled: nodes,
          },
        },
      ],
    });
  }

  // istio-cni captures the ledger pods, all but one
  for (const suffix of LEDGER_PODS) {
    const name = `${LEDGER}-${LEDGER_HASH}-${suffix}`;
    if (name === LEDGER_UNCAPTURED) {
      continue;
    }
    const pod = await core.readNamespacedPod({ namespace: LEDGER, name });
    await core.patchNamespacedPod({
      namespace: LEDGER,
      name,
      body: [
        {
          op: 'add',
          path: '/metadata/annotations',
          value: {
            ...pod.metadata?.annotations,
            'ambient.istio.io/redirection': 'enabled',
          },
        },
      ],
    });
  }
}

async function main() {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('no current context in KUBECONFIG');
  }
  console.log(`[demo] seeding the checkout demo into ${cluster.server}`);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apply = async (obj: Obj): Promise<Obj> => {
    const applied = await objects.patch(
      obj as any,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    console.log(
      `[demo] applied ${obj.kind} ${obj.metadata.namespace ?? ''}/${
        obj.metadata.name
      }`,
    );
    return applied as Obj;
  };
  const createOnce = async (obj: Obj) => {
    try {
      await objects.create(obj as any);
      console.log(`[demo] created ${obj.kind} ${obj.metadata.name}`);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 409) {
        return false;
      }
      throw e;
    }
  };
  const noKubelet = (await core.listNode()).items.length === 0;

  // control plane
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'istio-system' },
  });
  const istiodLabels = { app: 'istiod', istio: 'pilot' };
  await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'istiod',
      namespace: 'istio-system',
      labels: istiodLabels,
    },
    spec: {
      selector: { matchLabels: istiodLabels },
      template: {
        metadata: { labels: istiodLabels },
        spec: {
          containers: [
            {
              name: 'discovery',
              image: `docker.io/istio/pilot:${ISTIO_VERSION}`,
            },
          ],
        },
      },
    },
  });

  // the shared gateway and its certificate, 12 days from expiry
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: INGRESS },
  });
  // (re)written whenever it is not 10–12 days from expiry, so the demo
  // always shows an "expiring" certificate
  const existing = await core
    .readNamespacedSecret({ namespace: INGRESS, name: CERT })
    .catch(() => undefined);
  const crt = existing?.data?.['tls.crt'];
  const daysLeft = crt
    ? parseCertificate(Buffer.from(crt, 'base64')).daysLeft
    : undefined;
  if (daysLeft === undefined || daysLeft < 10 || daysLeft > 12) {
    if (existing) {
      await core.deleteNamespacedSecret({ namespace: INGRESS, name: CERT });
    }
    const certificate = await createTestCertificate({
      sans: ['*.shop.example.com', 'shop.example.com'],
      validForDays: 12,
    });
    await createOnce(tlsSecretManifest(INGRESS, CERT, certificate));
  }
  await apply(
    externalSecretManifest(INGRESS, CERT, CERT, {
      refreshInterval: '1h',
      secretStoreRef: {
        name: 'aws-secrets-manager',
        kind: 'ClusterSecretStore',
      },
      data: [
        {
          secretKey: 'tls.crt',
          remoteRef: {
            key: 'shop/istio-gateway-cert',
            property: 'certificate',
          },
        },
        {
          secretKey: 'tls.key',
          remoteRef: {
            key: 'shop/istio-gateway-cert',
            property: 'private_key',
          },
        },
      ],
    }),
  );
  await apply(
    buildGateway(
      {
        name: 'public-gateway',
        namespace: INGRESS,
        selector: { istio: 'ingressgateway' },
        hosts: ['*.shop.example.com'],
        tls: { mode: 'credential', credentialName: CERT },
        httpsRedirect: true,
      },
      v,
    ),
  );

  // the shop namespace: one pod exists before it joins the mesh
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SHOP },
  });
  // Deployments and their ReplicaSets as the controllers name them
  const replicaSets: Record<string, string> = {};
  for (const version of ['v1', 'v2'] as const) {
    const labels = checkoutLabels(version);
    const template = {
      metadata: { labels },
      spec: {
        containers: [
          { name: 'checkout', image: `ghcr.io/example/checkout:${version}` },
        ],
      },
    };
    const deployment = await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `checkout-${version}`, namespace: SHOP, labels },
      spec: { replicas: 2, selector: { matchLabels: labels }, template },
    });
    const rsLabels = { ...labels, 'pod-template-hash': HASH[version] };
    const replicaSet = await apply({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `checkout-${version}-${HASH[version]}`,
        namespace: SHOP,
        labels: rsLabels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: `checkout-${version}`,
            uid: deployment.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: rsLabels },
        template: { ...template, metadata: { labels: rsLabels } },
      },
    });
    replicaSets[version] = replicaSet.metadata.uid;
  }
  const early = checkoutPod('v2', 'x4k2p', false, replicaSets.v2);
  if (await createOnce(early.pod)) {
    // the injection label must be visibly later than the pod
    await new Promise(r => setTimeout(r, 1500));
  }
  await apply(
    buildNamespace({
      name: SHOP,
      injection: 'sidecar',
      kubernetesId: 'checkout',
    }),
  );
  await apply(
    buildPeerAuthentication(
      { namespace: SHOP, mode: 'STRICT', kubernetesId: 'checkout' },
      v,
    ),
  );
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'checkout',
      namespace: SHOP,
      labels: { app: 'checkout' },
    },
    spec: {
      selector: { app: 'checkout' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  });
  for (const pod of [
    checkoutPod('v1', 'h7xq2', true, replicaSets.v1),
    checkoutPod('v1', 'm3z8d', true, replicaSets.v1),
    checkoutPod('v2', 'q9w4t', true, replicaSets.v2),
  ]) {
    await createOnce(pod.pod);
  }
  await apply(
    buildDestinationRule(
      {
        name: 'checkout',
        namespace: SHOP,
        host: 'checkout',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
      v,
    ),
  );
  await apply(
    buildVirtualService(
      {
        name: 'checkout',
        namespace: SHOP,
        hosts: ['checkout.shop.example.com'],
        gateways: [`${INGRESS}/public-gateway`],
        routes: [
          {
            destinations: [
              { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
              { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
            ],
          },
        ],
      },
      v,
    ),
  );

  // team-payments: a service NOT in the mesh yet, for the onboarding
  // template. Reset on every seed so the onboarding can be shown again.
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: PAYMENTS },
  });
  for (const [kind, name] of [
    ['VirtualService', 'payments'],
    ['DestinationRule', 'payments'],
    ['PeerAuthentication', 'default'],
  ]) {
    await objects
      .delete({
        apiVersion:
          kind === 'PeerAuthentication'
            ? `security.istio.io/${v.security}`
            : `networking.istio.io/${v.networking}`,
        kind,
        metadata: { name, namespace: PAYMENTS },
      } as any)
      .catch(() => undefined);
  }
  await objects.patch(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: PAYMENTS,
        labels: { 'istio-injection': null, 'istio.io/rev': null },
      },
    } as any,
    undefined,
    undefined,
    FIELD_MANAGER,
    undefined,
    k8s.PatchStrategy.MergePatch,
  );
  const paymentsLabels = {
    app: 'payments',
    version: 'v1',
    'backstage.io/kubernetes-id': 'payments',
  };
  const paymentsDeployment = await apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'payments', namespace: PAYMENTS, labels: paymentsLabels },
    spec: {
      replicas: 2,
      selector: { matchLabels: paymentsLabels },
      template: {
        metadata: { labels: paymentsLabels },
        spec: {
          containers: [
            { name: 'payments', image: 'ghcr.io/example/payments:1.8.0' },
          ],
        },
      },
    },
  });
  const paymentsHash = '6c8b9f7d4';
  const paymentsRs = await apply({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `payments-${paymentsHash}`,
      namespace: PAYMENTS,
      labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'payments',
          uid: paymentsDeployment.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: 2,
      selector: {
        matchLabels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
      },
      template: {
        metadata: {
          labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
        },
        spec: {
          containers: [
            { name: 'payments', image: 'ghcr.io/example/payments:1.8.0' },
          ],
        },
      },
    },
  });
  for (const suffix of ['k2v9p', 'w7d3x']) {
    await createOnce({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `payments-${paymentsHash}-${suffix}`,
        namespace: PAYMENTS,
        labels: { ...paymentsLabels, 'pod-template-hash': paymentsHash },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `payments-${paymentsHash}`,
            uid: paymentsRs.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        containers: [
          {
            name: 'payments',
            image: 'ghcr.io/example/payments:1.8.0',
            ports: [{ name: 'http', containerPort: 8080 }],
          },
        ],
      },
    });
  }
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'payments',
      namespace: PAYMENTS,
      labels: { app: 'payments' },
    },
    spec: {
      selector: { app: 'payments' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  });

  const seed: Seed = {
    core,
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    apply,
    createOnce,
  };
  await seedStorefront(seed);
  await seedLedger(seed);

  if (noKubelet) {
    console.log(
      '[demo] no nodes in this cluster: writing what kubelet, external-secrets, istiod and istio-cni would',
    );
    await setExternalSecretStatus(kc, INGRESS, CERT, {
      status: 'True',
      reason: 'SecretSynced',
      message: 'secret synced',
    });
    const pods = [
      ...(await core.listNamespacedPod({ namespace: SHOP })).items,
      ...(await core.listNamespacedPod({ namespace: PAYMENTS })).items,
      ...(await core.listNamespacedPod({ namespace: STOREFRONT })).items,
      ...(await core.listNamespacedPod({ namespace: LEDGER })).items,
    ];
    const now = new Date();
    for (const pod of pods) {
      const containers = pod.spec?.containers ?? [];
      await core.replaceNamespacedPodStatus({
        namespace: pod.metadata!.namespace!,
        name: pod.metadata!.name!,
        body: {
          ...pod,
          status: {
            phase: 'Running',
            startTime: now,
            conditions: [
              'Initialized',
              'Ready',
              'ContainersReady',
              'PodScheduled',
            ].map(type => ({
              type,
              status: 'True',
              lastTransitionTime: now,
            })),
            containerStatuses: containers.map(c => ({
              name: c.name,
              image: c.image ?? '',
              imageID: '',
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            })),
          },
        },
      });
    }
  }
  if (noKubelet) {
    await writeControllerStatus(seed);
  }
  console.log(
    '[demo] done: open the checkout, storefront and ledger components in Backstage',
  );
}

main().catch(e => {
  console.error(`[demo] ${e.body ? JSON.stringify(e.body) : e.stack ?? e}`);
  process.exit(1);
});
