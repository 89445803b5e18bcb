import { mockServices } from '@backstage/backend-test-utils';
import {
  Finding,
  ztunnelOf,
  ZtunnelStatus,
} from '@meshdeck/plugin-istio-common';
import {
  createObjects,
  describeWithCluster,
} from '@meshdeck/plugin-istio-node/testUtils';
import { StatusService } from './StatusService';

/**
 * Ambient mode on a real API server. The testbed has no kubelet, istio-cni,
 * ztunnel or istiod, so the test plays their parts: it marks pods running
 * and sets `ambient.istio.io/redirection: enabled` through the pods/status
 * subresource (as the istio-cni node agent does), writes the ztunnel
 * DaemonSet's status counts, and writes the waypoint Gateway's `Programmed`
 * condition (as istiod does).
 *
 * ztunnel is found by name in any namespace, preferring `istio-system`;
 * the test's own `ztunnel` lives in a namespace of its own, so the expected
 * ztunnel is computed from every `ztunnel` DaemonSet the cluster holds.
 */
const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';
const ENTITY_ID = 'ambient-shop';
const AMBIENT_IDS = [
  'ambient-pod-not-captured',
  'sidecar-and-ambient',
  'ambient-opted-out',
  'waypoint-not-found',
  'waypoint-not-programmed',
  'l7-policy-without-waypoint',
];

describeWithCluster('ambient mode against the test cluster', cluster => {
  const labels = { app: 'shop', 'backstage.io/kubernetes-id': ENTITY_ID };

  async function clients() {
    const { AppsV1Api, CoreV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    const { kubeConfig } = cluster();
    return {
      apps: kubeConfig.makeApiClient(AppsV1Api),
      core: kubeConfig.makeApiClient(CoreV1Api),
      custom: kubeConfig.makeApiClient(CustomObjectsApi),
    };
  }

  /** What the kubelet and the istio-cni node agent would write. */
  async function markRunning(name: string, captured: boolean) {
    const { core } = await clients();
    const { namespace } = cluster();
    const pod = await core.readNamespacedPodStatus({ name, namespace });
    if (captured) {
      pod.metadata!.annotations = {
        ...pod.metadata!.annotations,
        'ambient.istio.io/redirection': 'enabled',
      };
    }
    pod.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: pod.spec!.containers.map(c => ({
        name: c.name,
        ready: true,
        restartCount: 0,
        image: c.image ?? '',
        imageID: '',
        state: { running: {} },
      })),
    };
    await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
  }

  async function setProgrammed(status: 'True' | 'False') {
    const { custom } = await clients();
    const { namespace } = cluster();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await custom.patchNamespacedCustomObjectStatus({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      namespace,
      plural: 'gateways',
      name: 'shop-waypoint',
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            conditions: [
              {
                type: 'Accepted',
                status: 'True',
                reason: 'Accepted',
                message: 'Resource accepted',
                lastTransitionTime: now,
              },
              {
                type: 'Programmed',
                status,
                reason: status === 'True' ? 'Programmed' : 'NoResources',
                message:
                  status === 'True'
                    ? 'Resource programmed'
                    : 'Deployment shop-waypoint has no ready replicas',
                lastTransitionTime: now,
              },
            ],
          },
        },
      ],
    });
  }

  async function setZtunnel(namespace: string, desired: number, ready: number) {
    const { apps } = await clients();
    const ds = await apps.readNamespacedDaemonSetStatus({
      name: 'ztunnel',
      namespace,
    });
    ds.status = {
      currentNumberScheduled: desired,
      desiredNumberScheduled: desired,
      numberMisscheduled: 0,
      numberReady: ready,
    };
    await apps.replaceNamespacedDaemonSetStatus({
      name: 'ztunnel',
      namespace,
      body: ds,
    });
  }

  /** The ztunnel the status should report: from every `ztunnel` in the cluster. */
  async function expectedZtunnel() {
    const { apps } = await clients();
    const all = await apps.listDaemonSetForAllNamespaces({
      fieldSelector: 'metadata.name=ztunnel',
    });
    return ztunnelOf(all.items);
  }

  const ztunnelFindings = (s: { findings: Finding[] }) =>
    s.findings
      .filter(f => f.id.startsWith('ztunnel-'))
      .map(f => [f.id, f.object, f.message]);
  /** What the status must say of the ztunnel it reports. */
  const expectedZtunnelFindings = (z: ZtunnelStatus | undefined) =>
    z && z.ready < z.desired
      ? [
          [
            'ztunnel-not-ready',
            `${z.namespace}/DaemonSet/${z.name}`,
            `ztunnel is ready on ${z.ready} of ${z.desired} nodes: ambient pods on the other nodes are not served`,
          ],
        ]
      : [];

  const entity = () => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: ENTITY_ID,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': ENTITY_ID,
        'backstage.io/kubernetes-namespace': cluster().namespace,
      },
    },
  });
  // a new service each time: nothing kept from the last answer
  const status = async () =>
    (
      await new StatusService({
        clusters: cluster().registry,
        timeoutMs: 10_000,
        logger: mockServices.logger.mock(),
      }).statusFor(entity())
    ).clusters[0];

  it('reports data planes, capture, the waypoint, ztunnel and the ambient findings', async () => {
    const { kubeConfig, namespace } = cluster();
    const { apps, core } = await clients();

    // the namespace joins ambient mode and enrols in its waypoint
    await core.patchNamespace({
      name: namespace,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1dataplane-mode',
          value: 'ambient',
        },
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1use-waypoint',
          value: 'shop-waypoint',
        },
      ],
    });

    // ztunnel, in a namespace of its own
    const ztunnelNamespace = await cluster().extraNamespace('zt', true);
    await apps.createNamespacedDaemonSet({
      namespace: ztunnelNamespace,
      body: {
        metadata: { name: 'ztunnel', labels: { app: 'ztunnel' } },
        spec: {
          selector: { matchLabels: { app: 'ztunnel' } },
          template: {
            metadata: { labels: { app: 'ztunnel' } },
            spec: { containers: [{ name: 'istio-proxy', image: PROXY_IMAGE }] },
          },
        },
      },
    });
    await setZtunnel(ztunnelNamespace, 2, 2);

    // a ReplicaSet (the names tell its Deployment) and its pods
    const template = { name: 'app', image: 'example/shop:1' };
    const replicaSet = await apps.createNamespacedReplicaSet({
      namespace,
      body: {
        metadata: {
          name: 'shop-6d5f8',
          labels: { ...labels, 'pod-template-hash': '6d5f8' },
        },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [template] },
          },
        },
      },
    });
    const owned = (name: string, extra: Record<string, string> = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...labels, 'pod-template-hash': '6d5f8', ...extra },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'shop-6d5f8',
            uid: replicaSet.metadata!.uid!,
            controller: true,
          },
        ],
      },
      spec: { containers: [template] },
    });
    await createObjects(
      kubeConfig,
      owned('shop-6d5f8-aaaaa'),
      owned('shop-6d5f8-bbbbb'),
      owned('shop-6d5f8-ccccc'),
      owned('shop-6d5f8-ddddd'), // stays Pending
      // a batch pod that opted out, and one that kept a sidecar
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'shop-batch',
          namespace,
          labels: { ...labels, 'istio.io/dataplane-mode': 'none' },
        },
        spec: { containers: [template] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'shop-legacy',
          namespace,
          labels,
          annotations: {
            'sidecar.istio.io/status':
              '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"default"}',
          },
        },
        spec: {
          containers: [template, { name: 'istio-proxy', image: PROXY_IMAGE }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop', namespace },
        spec: {
          selector: { app: 'shop' },
          ports: [{ name: 'http', port: 80 }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: {
          name: 'shop-waypoint',
          namespace,
          labels: { 'istio.io/waypoint-for': 'service' },
        },
        spec: {
          gatewayClassName: 'istio-waypoint',
          listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
        },
      },
      // an HTTP rule on pods by selector: ztunnel enforces it, not the waypoint
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'allow-get', namespace },
        spec: {
          selector: { matchLabels: { app: 'shop' } },
          action: 'ALLOW',
          rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
        },
      },
      // the same rule attached to the Service: the waypoint enforces it
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'allow-get-svc', namespace },
        spec: {
          // no group: the core group (client-node would send '' as null)
          targetRefs: [{ kind: 'Service', name: 'shop' }],
          action: 'ALLOW',
          rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
        },
      },
    );
    await markRunning('shop-6d5f8-aaaaa', true);
    await markRunning('shop-6d5f8-bbbbb', true);
    await markRunning('shop-6d5f8-ccccc', false);
    await markRunning('shop-batch', false);
    await markRunning('shop-legacy', false);
    await setProgrammed('True');

    const ztunnel = await expectedZtunnel();
    // the client finds the test's ztunnel wherever it runs
    const client = await cluster().registry.client(cluster().clusterName);
    expect(
      (await client.listDaemonSetsNamed('ztunnel')).map(
        d => d.metadata?.namespace,
      ),
    ).toContain(ztunnelNamespace);

    const first = await status();
    expect(first.errors).toEqual([]);
    expect(first.namespaces).toEqual([
      expect.objectContaining({ name: namespace, injection: 'ambient' }),
    ]);
    const waypoint = {
      name: 'shop-waypoint',
      namespace,
      source: 'namespace',
      programmed: true,
    };
    const dataplanes = Object.fromEntries(
      first.workloads.flatMap(w => w.pods.map(p => [p.name, p.dataplane])),
    );
    expect(dataplanes).toEqual({
      'shop-6d5f8-aaaaa': { mode: 'ambient', captured: true, waypoint },
      'shop-6d5f8-bbbbb': { mode: 'ambient', captured: true, waypoint },
      'shop-6d5f8-ccccc': { mode: 'ambient', captured: false, waypoint },
      'shop-6d5f8-ddddd': { mode: 'ambient', captured: false, waypoint },
      'shop-batch': { mode: 'none' },
      'shop-legacy': { mode: 'sidecar' },
    });
    expect(first.workloads.map(w => [w.kind, w.name, w.pods.length])).toEqual([
      ['Deployment', 'shop', 4],
      ['Pod', 'shop-batch', 1],
      ['Pod', 'shop-legacy', 1],
    ]);
    expect(first.ambient).toEqual({
      ...(ztunnel && { ztunnel }),
      waypoints: [{ name: 'shop-waypoint', namespace, programmed: true }],
    });
    const ambientFindings = (s: typeof first) =>
      s.findings
        .filter(f => AMBIENT_IDS.includes(f.id))
        .map(f => [f.id, f.object]);
    expect(ambientFindings(first)).toEqual([
      ['ambient-pod-not-captured', `${namespace}/Pod/shop-6d5f8-ccccc`],
      ['sidecar-and-ambient', `${namespace}/Pod/shop-legacy`],
      ['ambient-opted-out', `${namespace}/Pod/shop-batch`],
      [
        'l7-policy-without-waypoint',
        `${namespace}/AuthorizationPolicy/allow-get`,
      ],
    ]);
    expect(ztunnelFindings(first)).toEqual(expectedZtunnelFindings(ztunnel));

    // the waypoint loses its replicas and ztunnel a node
    await setProgrammed('False');
    await setZtunnel(ztunnelNamespace, 2, 1);
    const second = await status();
    expect(second.errors).toEqual([]);
    expect(second.ambient?.waypoints).toEqual([
      {
        name: 'shop-waypoint',
        namespace,
        programmed: false,
        reason:
          'Programmed=False: NoResources: Deployment shop-waypoint has no ready replicas',
      },
    ]);
    expect(ambientFindings(second)).toEqual([
      ['ambient-pod-not-captured', `${namespace}/Pod/shop-6d5f8-ccccc`],
      ['sidecar-and-ambient', `${namespace}/Pod/shop-legacy`],
      ['ambient-opted-out', `${namespace}/Pod/shop-batch`],
      ['waypoint-not-programmed', `${namespace}/Gateway/shop-waypoint`],
      [
        'l7-policy-without-waypoint',
        `${namespace}/AuthorizationPolicy/allow-get`,
      ],
      [
        'l7-policy-without-waypoint',
        `${namespace}/AuthorizationPolicy/allow-get-svc`,
      ],
    ]);
    // with no other ztunnel in the cluster this is the test's own, 1 of 2 ready
    const secondZtunnel = await expectedZtunnel();
    expect(second.ambient?.ztunnel).toEqual(secondZtunnel);
    expect(ztunnelFindings(second)).toEqual(
      expectedZtunnelFindings(secondZtunnel),
    );
  });
});
