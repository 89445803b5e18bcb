import {
  ClusterRegistry,
  istioResources,
  MeshClusterClient,
} from '@meshdeck/plugin-istio-node';
import { ClusterReads } from './ClusterReads';

const registry = () =>
  new ClusterRegistry([
    {
      name: 'a',
      url: 'https://127.0.0.1:1',
      authProvider: 'serviceAccount',
      serviceAccountToken: 't',
      skipTLSVerify: true,
    },
  ]);

describe('ClusterReads', () => {
  let now = 0;
  const reads = (clusters = registry()) =>
    new ClusterReads({ clusters, ttlMs: 1000, now: () => now });
  beforeEach(() => {
    now = 0;
  });
  afterEach(() => jest.restoreAllMocks());

  it('shares one read between concurrent and later callers until the TTL ends', async () => {
    const controlPlanes = jest
      .spyOn(MeshClusterClient.prototype, 'controlPlanes')
      .mockResolvedValue([{ revision: 'default', namespace: 'istio-system' }]);
    const cache = reads();
    await Promise.all([
      cache.cluster('a', 'g1').controlPlanes(),
      cache.cluster('a', 'g1').controlPlanes(),
    ]);
    now = 999;
    await cache.cluster('a', 'g1').controlPlanes();
    expect(controlPlanes).toHaveBeenCalledTimes(1);
    now = 1000;
    await expect(cache.cluster('a', 'g1').controlPlanes()).resolves.toEqual([
      { revision: 'default', namespace: 'istio-system' },
    ]);
    expect(controlPlanes).toHaveBeenCalledTimes(2);
  });

  it('reads afresh in a new generation of the cluster', async () => {
    const readTls = jest
      .spyOn(MeshClusterClient.prototype, 'readTlsCertificate')
      .mockResolvedValue({ exists: false });
    const cache = reads();
    await cache.cluster('a', 'g1').tlsCertificate('ingress', 'cert');
    await cache.cluster('a', 'g1').tlsCertificate('ingress', 'cert');
    expect(readTls).toHaveBeenCalledTimes(1);
    await cache.cluster('a', 'g2').tlsCertificate('ingress', 'cert');
    expect(readTls).toHaveBeenCalledTimes(2);
  });

  it('never keeps a failed read', async () => {
    const controlPlanes = jest
      .spyOn(MeshClusterClient.prototype, 'controlPlanes')
      .mockRejectedValueOnce(new Error('boom'))
      .mockResolvedValue([]);
    const cache = reads();
    await expect(cache.cluster('a', '0').controlPlanes()).rejects.toThrow(
      'boom',
    );
    await expect(cache.cluster('a', '0').controlPlanes()).resolves.toEqual([]);
    expect(controlPlanes).toHaveBeenCalledTimes(2);
  });

  it('forgets a cluster on request, whatever the generation', async () => {
    const getNamespace = jest
      .spyOn(MeshClusterClient.prototype, 'getNamespace')
      .mockResolvedValue(undefined);
    const cache = reads();
    await cache.cluster('a', '0').namespace('shop');
    await cache.cluster('a', '0').namespace('shop');
    cache.forget('a');
    await cache.cluster('a', '0').namespace('shop');
    expect(getNamespace).toHaveBeenCalledTimes(2);
  });

  it('lists Istio kinds only where the cluster serves them, and ExternalSecrets per namespace', async () => {
    jest
      .spyOn(MeshClusterClient.prototype, 'serves')
      .mockImplementation(async type => type.group !== 'external-secrets.io');
    const list = jest
      .spyOn(MeshClusterClient.prototype, 'list')
      .mockResolvedValue([]);
    const cache = reads().cluster('a', '0');
    await expect(cache.externalSecrets('ingress')).resolves.toEqual([]);
    await cache.istioObjects(istioResources.gateway);
    expect(list.mock.calls).toEqual([[istioResources.gateway, undefined]]);
  });

  it('keeps the ztunnel DaemonSets as their counts, and lists Gateway API Gateways only where served', async () => {
    const daemonSets = jest
      .spyOn(MeshClusterClient.prototype, 'listDaemonSetsNamed')
      .mockResolvedValue([
        {
          metadata: {
            name: 'ztunnel',
            namespace: 'istio-system',
            labels: { app: 'ztunnel' },
          },
          spec: {
            selector: { matchLabels: { app: 'ztunnel' } },
            template: { spec: { containers: [{ name: 'istio-proxy' }] } },
          },
          status: {
            currentNumberScheduled: 3,
            desiredNumberScheduled: 3,
            numberMisscheduled: 0,
            numberReady: 2,
          },
        },
      ]);
    jest
      .spyOn(MeshClusterClient.prototype, 'serves')
      .mockImplementation(
        async type => type.group !== 'gateway.networking.k8s.io',
      );
    const list = jest
      .spyOn(MeshClusterClient.prototype, 'list')
      .mockResolvedValue([]);
    const cache = reads();
    const expected = [
      {
        metadata: { name: 'ztunnel', namespace: 'istio-system' },
        status: { desiredNumberScheduled: 3, numberReady: 2 },
      },
    ];
    await expect(cache.cluster('a', '0').ztunnels()).resolves.toEqual(expected);
    await expect(cache.cluster('a', '0').ztunnels()).resolves.toEqual(expected);
    expect(daemonSets.mock.calls).toEqual([['ztunnel']]);
    await expect(
      cache.cluster('a', '0').istioObjects(istioResources.k8sGateway),
    ).resolves.toEqual([]);
    expect(list).not.toHaveBeenCalled();
  });

  it('keeps a Gateway’s Deployment as its replica counts, and HTTPRoutes like the Istio kinds', async () => {
    const getDeployment = jest
      .spyOn(MeshClusterClient.prototype, 'getDeployment')
      .mockImplementation(async (namespace, name) =>
        name === 'public-istio'
          ? {
              metadata: {
                name,
                namespace,
                labels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
              },
              spec: {
                replicas: 2,
                selector: {},
                template: { spec: { containers: [{ name: 'istio-proxy' }] } },
              },
              status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
            }
          : undefined,
      );
    jest.spyOn(MeshClusterClient.prototype, 'serves').mockResolvedValue(true);
    const list = jest
      .spyOn(MeshClusterClient.prototype, 'list')
      .mockResolvedValue([]);
    const cache = reads();
    const expected = {
      metadata: { name: 'public-istio', namespace: 'istio-ingress' },
      spec: { replicas: 2 },
      status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
    };
    for (let i = 0; i < 2; i++) {
      await expect(
        cache.cluster('a', '0').deployment('istio-ingress', 'public-istio'),
      ).resolves.toEqual(expected);
      await expect(
        cache.cluster('a', '0').deployment('istio-ingress', 'gone-istio'),
      ).resolves.toBeUndefined();
      await cache.cluster('a', '0').istioObjects(istioResources.httpRoute);
    }
    expect(getDeployment).toHaveBeenCalledTimes(2);
    expect(list.mock.calls).toEqual([[istioResources.httpRoute, undefined]]);
  });

  it('keeps every pod for the TTL, trimmed to what the overview reads', async () => {
    const listPods = jest
      .spyOn(MeshClusterClient.prototype, 'listPods')
      .mockResolvedValue([
        {
          metadata: {
            name: 'checkout-1',
            namespace: 'shop',
            labels: { app: 'checkout' },
            annotations: {
              'sidecar.istio.io/status': '{"revision":"default"}',
              'kubectl.kubernetes.io/last-applied-configuration': '{"big":1}',
            },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: 'checkout-7d9f8',
                uid: 'u',
                controller: true,
              },
            ],
          },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'shop/checkout:2',
                env: [{ name: 'PASSWORD', value: 'hunter2' }],
              },
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/proxyv2:1.30.3',
                args: ['proxy', 'sidecar', '--domain', 'x'],
              },
            ],
            volumes: [{ name: 'data' }],
          },
          status: {
            phase: 'Running',
            podIP: '10.0.0.1',
            conditions: [
              { type: 'Ready', status: 'True' },
              { type: 'Initialized', status: 'True' },
            ],
            containerStatuses: [
              {
                name: 'istio-proxy',
                ready: true,
                restartCount: 1,
                image: 'docker.io/istio/proxyv2:1.30.3',
                imageID: 'sha256:abc',
              },
            ],
          },
        },
      ]);
    const cache = reads();
    const pods = await cache.cluster('a', '0').allPods();
    await cache.cluster('a', '0').allPods();
    expect(listPods.mock.calls).toEqual([[undefined, '']]);
    expect(pods).toEqual([
      {
        metadata: {
          name: 'checkout-1',
          namespace: 'shop',
          labels: { app: 'checkout' },
          annotations: { 'sidecar.istio.io/status': '{"revision":"default"}' },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: 'checkout-7d9f8',
              uid: 'u',
              controller: true,
            },
          ],
        },
        spec: {
          containers: [
            { name: 'app', image: 'shop/checkout:2' },
            {
              name: 'istio-proxy',
              image: 'docker.io/istio/proxyv2:1.30.3',
              args: ['proxy', 'sidecar'],
            },
          ],
        },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'istio-proxy',
              ready: true,
              restartCount: 1,
            },
          ],
        },
      },
    ]);
  });

  it('keeps every namespace for the TTL as its name, labels and when they were set', async () => {
    const clusters = registry();
    const listNamespace = jest.fn().mockResolvedValue({
      items: [
        {
          metadata: {
            name: 'shop',
            labels: { 'istio-injection': 'enabled' },
            annotations: { note: 'not kept' },
            managedFields: [
              {
                manager: 'kubectl',
                time: new Date('2026-01-10T08:00:00Z'),
                fieldsV1: {
                  'f:metadata': {
                    'f:labels': { 'f:istio-injection': {} },
                    'f:annotations': { 'f:note': {} },
                  },
                },
              },
              { manager: 'other', fieldsV1: { 'f:spec': {} } },
            ],
          },
          spec: { finalizers: ['kubernetes'] },
        },
      ],
    });
    const kubeConfig = jest.spyOn(clusters, 'kubeConfig').mockResolvedValue({
      makeApiClient: () => ({ listNamespace }),
    } as any);
    jest.spyOn(clusters, 'client').mockResolvedValue({} as any);
    const cache = reads(clusters);
    const expected = [
      {
        metadata: {
          name: 'shop',
          labels: { 'istio-injection': 'enabled' },
          managedFields: [
            {
              time: '2026-01-10T08:00:00.000Z',
              fieldsV1: {
                'f:metadata': { 'f:labels': { 'f:istio-injection': {} } },
              },
            },
          ],
        },
      },
    ];
    await expect(cache.cluster('a', '0').namespaces()).resolves.toEqual(
      expected,
    );
    now = 999;
    await expect(cache.cluster('a', '0').namespaces()).resolves.toEqual(
      expected,
    );
    expect(listNamespace).toHaveBeenCalledTimes(1);
    expect(kubeConfig).toHaveBeenCalledWith('a');
    now = 1000;
    await cache.cluster('a', '0').namespaces();
    expect(listNamespace).toHaveBeenCalledTimes(2);
  });

  it('keeps every Service for the TTL in one list, trimmed to what the rule book reads', async () => {
    const clusters = registry();
    const listServiceForAllNamespaces = jest.fn().mockResolvedValue({
      items: [
        {
          metadata: {
            name: 'checkout',
            namespace: 'shop',
            labels: { app: 'checkout', 'istio.io/use-waypoint': 'waypoint' },
            annotations: {
              'kubectl.kubernetes.io/last-applied-configuration': '{}',
            },
            uid: 'u',
          },
          spec: {
            type: 'ClusterIP',
            clusterIP: '10.0.0.7',
            selector: { app: 'checkout' },
            ports: [
              {
                name: 'http',
                port: 8080,
                protocol: 'TCP',
                targetPort: 'http',
                appProtocol: 'http',
              },
            ],
            sessionAffinity: 'None',
          },
          status: { loadBalancer: {} },
        },
        {
          metadata: { name: 'db', namespace: 'ledger' },
          spec: { type: 'ExternalName', externalName: 'db.example.com' },
        },
      ],
    });
    jest.spyOn(clusters, 'kubeConfig').mockResolvedValue({
      makeApiClient: () => ({ listServiceForAllNamespaces }),
    } as any);
    jest.spyOn(clusters, 'client').mockResolvedValue({} as any);
    const cache = reads(clusters);
    const expected = [
      {
        metadata: {
          name: 'checkout',
          namespace: 'shop',
          labels: { app: 'checkout', 'istio.io/use-waypoint': 'waypoint' },
        },
        spec: {
          type: 'ClusterIP',
          selector: { app: 'checkout' },
          ports: [
            {
              name: 'http',
              port: 8080,
              targetPort: 'http',
              protocol: 'TCP',
              appProtocol: 'http',
            },
          ],
        },
      },
      {
        metadata: { name: 'db', namespace: 'ledger', labels: {} },
        spec: { type: 'ExternalName', ports: [] },
      },
    ];
    await expect(cache.cluster('a', '0').allServices()).resolves.toEqual(
      expected,
    );
    now = 999;
    await cache.cluster('a', '0').allServices();
    expect(listServiceForAllNamespaces).toHaveBeenCalledTimes(1);
    // a new generation, or the end of the TTL, reads afresh
    await cache.cluster('a', '1').allServices();
    expect(listServiceForAllNamespaces).toHaveBeenCalledTimes(2);
    now = 1000;
    await cache.cluster('a', '0').allServices();
    expect(listServiceForAllNamespaces).toHaveBeenCalledTimes(3);
  });

  it('always reads the entity-dependent objects, with the registry’s one client', async () => {
    const clusters = registry();
    const client = jest.spyOn(clusters, 'client');
    const listPods = jest
      .spyOn(MeshClusterClient.prototype, 'listPods')
      .mockResolvedValue([]);
    const cache = reads(clusters).cluster('a', '0');
    await cache.pods('shop', 'app=x');
    await cache.pods('shop', 'app=x');
    expect(listPods).toHaveBeenCalledTimes(2);
    expect(await client.mock.results[0].value).toBe(
      await client.mock.results[1].value,
    );
  });
});
