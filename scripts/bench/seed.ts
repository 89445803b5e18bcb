/*
 * The benchmarks' mesh scene, seeded through the Kubernetes API: pods in the
 * shape Istio's injector gives them, the ReplicaSets that own an entity's
 * pods, and an entity exposed through an Istio Gateway with a TLS secret (and
 * its ExternalSecret) and a 90/10 canary VirtualService. Shared by
 * `./run bench status` and `./run bench app`.
 */
import type {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  V1ObjectMeta,
  V1Pod,
} from '@kubernetes/client-node';
import {
  buildDestinationRule,
  buildGateway,
  buildPeerAuthentication,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  externalSecretManifest,
  setExternalSecretStatus,
  TestCertificate,
  TestObject,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';

/** The proxy image of the seeded sidecars. */
export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';

/** The canary split the scene starts with (v1, v2). */
export const CANARY_WEIGHTS: [number, number] = [90, 10];

/** Runs `fn` over `items`, `size` at a time. */
export async function inBatches<T>(
  items: T[],
  size: number,
  fn: (t: T) => unknown,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

/** Whether `e` is the API server's 409 AlreadyExists (or Conflict). */
export function isConflict(e: unknown): boolean {
  const error = e as { code?: number; statusCode?: number; body?: any };
  return (
    error?.code === 409 ||
    error?.statusCode === 409 ||
    (typeof error?.body === 'object' && error.body?.code === 409)
  );
}

/** Awaits `write`, treating "already exists" as done (a resumed seed). */
export async function ignoreExisting<T>(
  write: Promise<T>,
): Promise<T | undefined> {
  try {
    return await write;
  } catch (e) {
    if (isConflict(e)) {
      return undefined;
    }
    throw e;
  }
}

/** The clients the seed uses, made from one admin kubeconfig. */
export type SeedClients = {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
};

export async function seedClients(
  kubeConfig: KubeConfig,
): Promise<SeedClients> {
  const { AppsV1Api: Apps, CoreV1Api: Core } = await import(
    '@kubernetes/client-node'
  );
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(Core),
    apps: kubeConfig.makeApiClient(Apps),
  };
}

/** The controller owner of a pod, as a Deployment's ReplicaSet is. */
export type PodOwner = {
  name: string;
  uid: string;
  /** The pod template's labels (which the entity's selector matches). */
  labels: Record<string, string>;
};

/**
 * The two ReplicaSets (`v1`, `v2`) a Deployment per version would make for
 * the entity `app` (pods labelled `app` and `backstage.io/kubernetes-id`).
 * An existing one (a resumed seed) is read instead.
 */
export async function entityReplicaSets(
  clients: SeedClients,
  options: { namespace: string; app: string; podsPerVersion: number },
): Promise<PodOwner[]> {
  const { namespace, app, podsPerVersion } = options;
  return Promise.all(
    ['v1', 'v2'].map(async version => {
      const hash = `${version}hash9`;
      const name = `${app}-${version}-${hash}`;
      const labels = {
        app,
        version,
        'backstage.io/kubernetes-id': app,
        'pod-template-hash': hash,
      };
      const rs =
        (await ignoreExisting(
          clients.apps.createNamespacedReplicaSet({
            namespace,
            body: {
              metadata: { name, labels },
              spec: {
                replicas: podsPerVersion,
                selector: { matchLabels: labels },
                template: {
                  metadata: { labels },
                  spec: { containers: [{ name: 'app', image: `${app}:1` }] },
                },
              },
            },
          }),
        )) ??
        (await clients.apps.readNamespacedReplicaSet({ name, namespace }));
      return { name, uid: rs.metadata!.uid!, labels };
    }),
  );
}

/**
 * A pod as Istio's sidecar injector leaves it on a cluster without native
 * sidecars (Kubernetes before 1.29, like the test cluster): the `istio-init`
 * init container, the app and the `istio-proxy` container, the injection
 * annotations and labels, and Istio's volumes. With `sidecar: false` the
 * same pod without any of it, as one created before its namespace joined
 * the mesh.
 */
export function injectedPod(options: {
  name: string;
  labels: Record<string, string>;
  owner?: PodOwner;
  sidecar?: boolean;
  image?: string;
}): V1Pod {
  const { name, labels, owner } = options;
  const sidecar = options.sidecar ?? true;
  const app = labels.app ?? name;
  const appContainer = {
    name: 'app',
    image: options.image ?? `${app}:1`,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'PORT', value: '8080' },
      { name: 'LOG_LEVEL', value: 'info' },
    ],
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    },
  };
  const metadata: V1ObjectMeta = {
    name,
    labels: sidecar
      ? {
          ...labels,
          'security.istio.io/tlsMode': 'istio',
          'service.istio.io/canonical-name': app,
          'service.istio.io/canonical-revision': labels.version ?? 'latest',
        }
      : labels,
    annotations: sidecar
      ? ({
          'sidecar.istio.io/status': JSON.stringify({
            initContainers: ['istio-init'],
            containers: ['istio-proxy'],
            volumes: [
              'workload-socket',
              'credential-socket',
              'workload-certs',
              'istio-envoy',
              'istio-data',
              'istio-podinfo',
              'istiod-ca-cert',
            ],
            imagePullSecrets: null,
            revision: 'default',
          }),
          'kubectl.kubernetes.io/default-container': 'app',
          'prometheus.io/path': '/stats/prometheus',
          'prometheus.io/port': '15020',
          'prometheus.io/scrape': 'true',
        } as Record<string, string>)
      : {},
    ...(owner && {
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }),
  };
  if (!sidecar) {
    return { metadata, spec: { containers: [appContainer] } };
  }
  const mount = (volume: string, mountPath: string) => ({
    name: volume,
    mountPath,
  });
  return {
    metadata,
    spec: {
      initContainers: [
        {
          name: 'istio-init',
          image: PROXY_IMAGE,
          args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337'],
          resources: {
            requests: { cpu: '10m', memory: '40Mi' },
            limits: { cpu: '2', memory: '1Gi' },
          },
          securityContext: {
            capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
            runAsNonRoot: false,
            runAsUser: 0,
          },
        },
      ],
      containers: [
        appContainer,
        {
          name: 'istio-proxy',
          image: PROXY_IMAGE,
          args: [
            'proxy',
            'sidecar',
            '--domain',
            '$(POD_NAMESPACE).svc.cluster.local',
            '--proxyLogLevel=warning',
            '--proxyComponentLogLevel=misc:error',
            '--log_output_level=default:info',
          ],
          env: [
            { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
            {
              name: 'CA_ADDR',
              value: 'istiod.istio-system.svc:15012',
            },
            {
              name: 'POD_NAME',
              valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
            },
            {
              name: 'POD_NAMESPACE',
              valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
            },
            {
              name: 'INSTANCE_IP',
              valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
            },
            { name: 'ISTIO_META_APP_CONTAINERS', value: 'app' },
            { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
            { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
            { name: 'ISTIO_META_WORKLOAD_NAME', value: app },
            { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
            { name: 'TRUST_DOMAIN', value: 'cluster.local' },
          ],
          ports: [
            { name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' },
          ],
          readinessProbe: {
            httpGet: { path: '/healthz/ready', port: 15021 },
            periodSeconds: 15,
            failureThreshold: 4,
          },
          resources: {
            requests: { cpu: '100m', memory: '128Mi' },
            limits: { cpu: '2', memory: '1Gi' },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: 1337,
            runAsGroup: 1337,
          },
          volumeMounts: [
            mount('workload-socket', '/var/run/secrets/workload-spiffe-uds'),
            mount('credential-socket', '/var/run/secrets/credential-uds'),
            mount(
              'workload-certs',
              '/var/run/secrets/workload-spiffe-credentials',
            ),
            mount('istiod-ca-cert', '/var/run/secrets/istio'),
            mount('istio-data', '/var/lib/istio/data'),
            mount('istio-envoy', '/etc/istio/proxy'),
            mount('istio-podinfo', '/etc/istio/pod'),
          ],
        },
      ],
      volumes: [
        { name: 'workload-socket', emptyDir: {} },
        { name: 'credential-socket', emptyDir: {} },
        { name: 'workload-certs', emptyDir: {} },
        { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
        { name: 'istio-data', emptyDir: {} },
        {
          name: 'istio-podinfo',
          downwardAPI: {
            items: [
              {
                path: 'labels',
                fieldRef: { fieldPath: 'metadata.labels' },
              },
              {
                path: 'annotations',
                fieldRef: { fieldPath: 'metadata.annotations' },
              },
            ],
          },
        },
        { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
      ],
    },
  };
}

/**
 * Writes the status a kubelet would (the test cluster has none): Running,
 * every condition True, every container ready, `istio-init` Completed.
 */
export async function markPodRunning(
  clients: SeedClients,
  namespace: string,
  pod: V1Pod,
): Promise<void> {
  const now = new Date().toISOString();
  const containers = pod.spec?.containers ?? [];
  await clients.core.patchNamespacedPodStatus({
    name: pod.metadata!.name!,
    namespace,
    body: [
      {
        op: 'add',
        path: '/status',
        value: {
          phase: 'Running',
          startTime: now,
          podIP: '10.0.0.1',
          conditions: [
            'Initialized',
            'Ready',
            'ContainersReady',
            'PodScheduled',
          ].map(type => ({ type, status: 'True', lastTransitionTime: now })),
          initContainerStatuses: (pod.spec?.initContainers ?? []).map(c => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: true,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: now,
                finishedAt: now,
              },
            },
          })),
          containerStatuses: containers.map(c => ({
            name: c.name,
            image: c.image,
            imageID: '',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: now } },
          })),
        },
      },
    ] as any,
  });
}

/**
 * Creates the entity `app`'s pods in `namespace` (owned by its two
 * ReplicaSets, half each; injected unless `sidecar` is false) and, with
 * `running`, marks them Running and ready. Pods that exist already are left
 * as they are (their status is written again).
 */
export async function seedEntityPods(
  clients: SeedClients,
  options: {
    namespace: string;
    app: string;
    pods: number;
    running?: boolean;
    batch?: number;
  },
): Promise<V1Pod[]> {
  const { namespace, app, pods } = options;
  const owners = await entityReplicaSets(clients, {
    namespace,
    app,
    podsPerVersion: Math.ceil(pods / 2),
  });
  const bodies = Array.from({ length: pods }, (_, i) => {
    const owner = owners[i % 2];
    return injectedPod({
      name: `${owner.name}-${i}`,
      labels: owner.labels,
      owner,
    });
  });
  await inBatches(bodies, options.batch ?? 50, async body => {
    await ignoreExisting(clients.core.createNamespacedPod({ namespace, body }));
    if (options.running) {
      await markPodRunning(clients, namespace, body);
    }
  });
  return bodies;
}

/**
 * `count` pods that belong to no entity (labelled `app: filler-<n>`, in 40
 * apps), injected and left Pending, named `filler-<from + i>`.
 */
export async function seedFillerPods(
  clients: SeedClients,
  options: { namespace: string; count: number; from?: number; batch?: number },
): Promise<void> {
  const from = options.from ?? 0;
  const bodies = Array.from({ length: options.count }, (_, i) =>
    injectedPod({
      name: `filler-${from + i}`,
      labels: { app: `filler-${(from + i) % 40}` },
      image: 'filler:1',
    }),
  );
  await inBatches(bodies, options.batch ?? 50, body =>
    ignoreExisting(
      clients.core.createNamespacedPod({ namespace: options.namespace, body }),
    ),
  );
}

/** The canary VirtualService of the scene, with `weights` for v1 and v2. */
export function canaryVirtualService(
  options: { namespace: string; ingress: string; app: string; host: string },
  weights: [number, number] = CANARY_WEIGHTS,
): TestObject {
  const { namespace, ingress, app, host } = options;
  return buildVirtualService(
    {
      name: app,
      namespace,
      hosts: [host],
      gateways: [`${ingress}/public`],
      routes: [
        {
          destinations: [
            { host: app, port: 8080, subset: 'v1', weight: weights[0] },
            { host: app, port: 8080, subset: 'v2', weight: weights[1] },
          ],
        },
      ],
    },
    DEFAULT_ISTIO_API_VERSIONS,
  ) as TestObject;
}

/**
 * The traffic side of the scene: in `ingress`, the Gateway `public` for
 * `host` with the TLS secret `gw-cert` and its ExternalSecret (marked
 * synced); in `namespace`, STRICT mTLS, the Service `app`, its
 * DestinationRule (subsets v1, v2) and a 90/10 canary VirtualService. Both
 * namespaces must exist. Objects that exist already are left as they are.
 */
export async function seedMeshScene(
  clients: SeedClients,
  options: {
    namespace: string;
    ingress: string;
    app: string;
    host: string;
    certificate: TestCertificate;
  },
): Promise<void> {
  const { namespace, ingress, app, host, certificate } = options;
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const objects = KubernetesObjectApi.makeApiClient(clients.kubeConfig);
  const manifests = [
    tlsSecretManifest(ingress, 'gw-cert', certificate),
    externalSecretManifest(ingress, 'gw-cert', 'gw-cert'),
    buildGateway(
      {
        name: 'public',
        namespace: ingress,
        selector: { istio: 'ingressgateway' },
        hosts: [host],
        tls: { mode: 'credential', credentialName: 'gw-cert' },
        httpsRedirect: false,
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
    buildPeerAuthentication(
      { namespace, mode: 'STRICT' },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
    serviceManifest(namespace, app),
    buildDestinationRule(
      {
        name: app,
        namespace,
        host: app,
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
    canaryVirtualService({ namespace, ingress, app, host }),
  ] as TestObject[];
  for (const manifest of manifests) {
    await ignoreExisting(objects.create(manifest));
  }
  await setExternalSecretStatus(clients.kubeConfig, ingress, 'gw-cert', {
    status: 'True',
    reason: 'SecretSynced',
  });
}

/** The Service `app` selecting the entity's pods. */
export function serviceManifest(namespace: string, app: string): TestObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace },
    spec: { selector: { app }, ports: [{ name: 'http', port: 8080 }] },
  };
}
