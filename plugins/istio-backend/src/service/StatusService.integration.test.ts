import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  buildDestinationRule,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { exposedService } from '../__testUtils__/exposedService';
import { memoryCache } from '../__testUtils__/memoryCache';
import { createServer, Server, Socket } from 'node:net';
import { CertificateRefreshService } from './CertificateRefreshService';
import { ClusterGenerations } from './ClusterGenerations';
import { StatusService } from './StatusService';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const MARKER = 'MESHDECK-SECRET-MARKER-7f3a';

describeWithCluster('StatusService against the test cluster', cluster => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // a "cluster" that accepts connections and never answers
    silent = createServer(socket => sockets.push(socket));
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => {
    sockets.forEach(s => s.destroy());
    silent.close();
  });

  async function seed() {
    const { kubeConfig, namespace } = cluster();
    const { AppsV1Api, CoreV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const labels = {
      app: 'checkout',
      'backstage.io/kubernetes-id': 'checkout',
    };

    // control plane
    const cp = await cluster().extraNamespace('cp', true);
    await apps.createNamespacedDeployment({
      namespace: cp,
      body: {
        metadata: { name: 'istiod', labels: { app: 'istiod' } },
        spec: {
          selector: { matchLabels: { app: 'istiod' } },
          template: {
            metadata: { labels: { app: 'istiod' } },
            spec: {
              containers: [
                { name: 'discovery', image: 'docker.io/istio/pilot:1.30.3' },
              ],
            },
          },
        },
      },
    });

    // a pod from before the namespace joined the mesh
    const podBody = (name: string, containers: any[], owner?: any) => ({
      metadata: { name, labels, ...(owner && { ownerReferences: [owner] }) },
      spec: { containers },
    });
    await core.createNamespacedPod({
      namespace,
      body: podBody('legacy', [{ name: 'app', image: 'shop/checkout:1' }]),
    });
    await sleep(1100); // creation and label times have second precision
    await core.patchNamespace({
      name: namespace,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio-injection',
          value: 'enabled',
        },
      ],
    });

    // a Deployment -> ReplicaSet -> injected pod chain
    const deployment = await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'checkout', labels },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'shop/checkout:2' }] },
          },
        },
      },
    });
    const replicaSet = await apps.createNamespacedReplicaSet({
      namespace,
      body: {
        metadata: {
          name: 'checkout-5f7c9',
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'checkout',
              uid: deployment.metadata!.uid!,
              controller: true,
            },
          ],
        },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'shop/checkout:2' }] },
          },
        },
      },
    });
    await core.createNamespacedPod({
      namespace,
      body: podBody(
        'checkout-5f7c9-abcde',
        [
          { name: 'app', image: 'shop/checkout:2' },
          {
            name: 'istio-proxy',
            image: PROXY_IMAGE,
            resources: { requests: { cpu: '100m' } },
          },
        ],
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'checkout-5f7c9',
          uid: replicaSet.metadata!.uid!,
          controller: true,
        },
      ),
    });
    // no kubelet: mark the injected pod running and ready
    const running = await core.readNamespacedPodStatus({
      name: 'checkout-5f7c9-abcde',
      namespace,
    });
    running.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: ['app', 'istio-proxy'].map(name => ({
        name,
        ready: true,
        restartCount: 0,
        image: name === 'app' ? 'shop/checkout:2' : PROXY_IMAGE,
        imageID: '',
        state: { running: {} },
      })),
    };
    await core.replaceNamespacedPodStatus({
      name: 'checkout-5f7c9-abcde',
      namespace,
      body: running,
    });

    await kubeConfig
      .makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({
        group: 'security.istio.io',
        version: 'v1',
        namespace,
        plural: 'peerauthentications',
        body: {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      });

    // traffic: Service, ingress gateway with its certificate and
    // ExternalSecret, a 90/10 canary VirtualService and its DestinationRule
    const ingress = await cluster().extraNamespace('ingress', true);
    const certificate = await createTestCertificate({
      sans: ['*.status.example'],
      validForDays: 10,
    });
    await createObjects(
      kubeConfig,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'checkout', namespace },
        spec: {
          selector: { app: 'checkout' },
          ports: [{ name: 'http', port: 8080 }],
        },
      },
      tlsSecretManifest(ingress, 'istio-gateway-cert', certificate, {
        note: MARKER,
      }),
      externalSecretManifest(
        ingress,
        'gateway-cert-sync',
        'istio-gateway-cert',
        {
          refreshInterval: '1h',
        },
      ),
      buildDestinationRule(
        {
          name: 'checkout',
          namespace,
          host: 'checkout',
          subsets: [
            {
              name: 'v1',
              labels: { 'backstage.io/kubernetes-id': 'checkout' },
            },
            { name: 'v2', labels: { version: 'v2' } },
          ],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ),
      ...exposedService({
        gatewayNamespace: ingress,
        gatewayHosts: ['*.status.example'],
        credentialName: 'istio-gateway-cert',
        namespace,
        service: 'checkout',
        host: 'checkout.status.example',
        routes: [
          {
            destinations: [
              { host: 'checkout', subset: 'v1', weight: 90 },
              { host: 'checkout', subset: 'v2', weight: 10 },
            ],
          },
        ],
      }),
    );
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.patchNamespacedCustomObjectStatus({
      group: 'external-secrets.io',
      version: 'v1',
      namespace: ingress,
      plural: 'externalsecrets',
      name: 'gateway-cert-sync',
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            refreshTime: '2026-11-27T12:00:00Z',
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'SecretSyncedError',
                message: 'could not get secret data from provider',
              },
            ],
          },
        },
      ],
    });
    return { ingress };
  }

  it('reports sidecars, the reason one is missing, mTLS and the control plane, while broken clusters only add error entries', async () => {
    const { ingress } = await seed();
    const { kubeConfig, namespace } = cluster();
    const live = kubeconfigToClusterConfig(kubeConfig, 'testbed');
    const port = (silent.address() as { port: number }).port;
    const config = new ConfigReader({
      kubernetes: kubernetesAppConfig([
        live,
        {
          name: 'dead',
          url: 'https://127.0.0.1:1',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
          skipTLSVerify: true,
        },
        {
          name: 'silent',
          url: `https://127.0.0.1:${port}`,
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
          skipTLSVerify: true,
        },
      ]),
      istio: {
        clusters: [
          {
            name: 'testbed',
            kiali: { baseUrl: 'https://kiali.example.com/kiali' },
            jaeger: { baseUrl: 'https://jaeger.example.com' },
          },
        ],
      },
    });
    const logger = mockServices.logger.mock();
    const clusters = ClusterRegistry.fromConfig(config);
    const cache = memoryCache();
    const generations = new ClusterGenerations(cache);
    const service = new StatusService({
      clusters,
      timeoutMs: 1500,
      logger,
      cache,
      generations,
    });
    const refresh = new CertificateRefreshService({
      clusters,
      status: service,
      generations,
      logger,
    });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
    };

    const started = Date.now();
    const status = await service.statusFor(entity);
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(4000);
    expect(status.entityRef).toBe('component:default/checkout');
    expect(status.verdict).toBe('critical');
    const [testbed, dead, silentCluster] = status.clusters;

    expect(dead.errors).toEqual([
      expect.objectContaining({ source: 'kubernetes', kind: 'unreachable' }),
    ]);
    expect(silentCluster.errors).toEqual([
      {
        source: 'kubernetes',
        kind: 'timeout',
        message: "cluster 'silent' did not answer within 1500 ms",
      },
    ]);

    expect(testbed.errors).toEqual([]);
    expect(testbed.namespaces).toEqual([
      expect.objectContaining({
        name: namespace,
        injection: 'sidecar',
        labels: { 'istio-injection': 'enabled' },
      }),
    ]);
    expect(testbed.controlPlane).toEqual(
      expect.arrayContaining([
        {
          revision: 'default',
          version: '1.30.3',
          namespace: `${namespace}-cp`,
        },
      ]),
    );
    expect(
      testbed.workloads.map(w => [w.kind, w.name, w.pods.map(p => p.name)]),
    ).toEqual([
      ['Deployment', 'checkout', ['checkout-5f7c9-abcde']],
      ['Pod', 'legacy', ['legacy']],
    ]);
    const [deployment, legacy] = testbed.workloads;
    expect(deployment.pods[0]).toMatchObject({
      phase: 'Running',
      ready: true,
      sidecar: {
        injected: true,
        native: false,
        version: '1.30.3',
        ready: true,
        resources: { requests: { cpu: '100m' } },
      },
    });
    expect(deployment.mtls).toEqual({
      mode: 'STRICT',
      source: `${namespace}/PeerAuthentication/default`,
    });
    expect(legacy.pods[0].sidecar).toEqual({
      injected: false,
      native: false,
      missingReason: 'created-before-injection',
    });
    expect(testbed.findings).toEqual([
      expect.objectContaining({
        code: 'IST0103',
        object: `${namespace}/Pod/legacy`,
        fix: `kubectl delete pod legacy -n ${namespace}  # recreate it so the injector sees it`,
      }),
      expect.objectContaining({
        id: 'certificate-sync-failing',
        severity: 'error',
        object: `${ingress}/Secret/istio-gateway-cert`,
        message:
          'ExternalSecret gateway-cert-sync does not sync the certificate: SecretSyncedError (could not get secret data from provider)',
        fix: `kubectl annotate externalsecret gateway-cert-sync -n ${ingress} force-sync=$(date +%s) --overwrite`,
      }),
      expect.objectContaining({
        id: 'certificate-expiring',
        severity: 'warning',
        object: `${ingress}/Secret/istio-gateway-cert`,
      }),
    ]);

    expect(testbed.traffic.gateways).toEqual([
      expect.objectContaining({
        ref: `${ingress}/public`,
        hosts: ['*.status.example'],
      }),
    ]);
    expect(testbed.traffic.virtualServices[0].routes[0].destinations).toEqual([
      {
        host: `checkout.${namespace}.svc.cluster.local`,
        subset: 'v1',
        weight: 90,
      },
      {
        host: `checkout.${namespace}.svc.cluster.local`,
        subset: 'v2',
        weight: 10,
      },
    ]);
    expect(
      testbed.traffic.destinationRules.map(d => d.subsets.map(x => x.name)),
    ).toEqual([['v1', 'v2']]);

    expect(testbed.certificates).toEqual([
      expect.objectContaining({
        hosts: ['checkout.status.example'],
        gateway: `${ingress}/public`,
        secret: { namespace: ingress, name: 'istio-gateway-cert' },
        certificate: expect.objectContaining({
          sans: ['*.status.example'],
          uncoveredHosts: [],
        }),
        externalSecret: expect.objectContaining({
          name: 'gateway-cert-sync',
          ready: false,
          refreshInterval: '1h',
        }),
        verdict: 'sync-failing',
        verdicts: ['sync-failing', 'expiring'],
      }),
    ]);
    expect(
      testbed.certificates[0].certificate!.daysLeft,
    ).toBeGreaterThanOrEqual(9);

    const fqdn = `checkout.${namespace}.svc.cluster.local`;
    expect(testbed.topology.edges).toEqual(
      expect.arrayContaining([
        {
          from: 'host:checkout.status.example',
          to: `gateway:${ingress}/public`,
        },
        { from: `gateway:${ingress}/public`, to: `vs:${namespace}/checkout` },
        { from: `vs:${namespace}/checkout`, to: `service:${fqdn}` },
        { from: `service:${fqdn}`, to: `subset:${fqdn}/v1`, weight: 90 },
        { from: `service:${fqdn}`, to: `subset:${fqdn}/v2`, weight: 10 },
        { from: `subset:${fqdn}/v1`, to: `workload:${namespace}/checkout` },
      ]),
    );
    expect(testbed.topology.nodes).toEqual(
      expect.arrayContaining([
        {
          id: `workload:${namespace}/checkout`,
          kind: 'workload',
          label: 'checkout',
          podCount: 1,
        },
      ]),
    );

    // a manual refresh annotates the ExternalSecret, and the cached status
    // is not served after it
    expect((await service.statusFor(entity)).cache?.hit).toBe(true);
    const { forceSync } = await refresh.refresh(entity, {
      cluster: 'testbed',
      namespace: ingress,
      externalSecret: 'gateway-cert-sync',
    });
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    const es: any = await kubeConfig
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'external-secrets.io',
        version: 'v1',
        namespace: ingress,
        plural: 'externalsecrets',
        name: 'gateway-cert-sync',
      });
    expect(es.metadata.annotations).toEqual({ 'force-sync': forceSync });
    expect(Number(forceSync)).toBeGreaterThan(Date.now() / 1000 - 60);
    const afterRefresh = await service.statusFor(entity);
    expect(afterRefresh.cache).toBeUndefined();
    expect(afterRefresh.generatedAt > status.generatedAt).toBe(true);
    await expect(
      refresh.refresh(entity, {
        cluster: 'testbed',
        namespace: ingress,
        externalSecret: 'not-this-one',
      }),
    ).rejects.toThrow('does not write a certificate of');

    // nothing but the public certificate leaves the secret
    const everything = JSON.stringify([
      status,
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
      logger.debug.mock.calls,
    ]);
    expect(everything).not.toContain(MARKER);
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain(Buffer.from(MARKER).toString('base64'));
    expect(testbed.links.kialiGraph).toContain(`namespaces=${namespace}`);
    expect(testbed.links.kialiServices).toEqual({
      [`${namespace}/checkout`]: `https://kiali.example.com/kiali/console/namespaces/${namespace}/services/checkout`,
    });
    expect(testbed.links.kialiConfig).toMatchObject({
      [`VirtualService:${namespace}/checkout`]: `https://kiali.example.com/kiali/console/namespaces/${namespace}/istio/networking.istio.io/v1/VirtualService/checkout`,
      [`Gateway:${ingress}/public`]: `https://kiali.example.com/kiali/console/namespaces/${ingress}/istio/networking.istio.io/v1/Gateway/public`,
    });
    expect(testbed.links.jaeger).toEqual({
      [namespace]: `https://jaeger.example.com/search?service=checkout.${namespace}&lookback=1h&limit=20`,
    });
  });
});
