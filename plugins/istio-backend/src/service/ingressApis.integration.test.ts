import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  buildGateway,
  buildVirtualService,
  ClusterStatus,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { StatusService } from './StatusService';

/**
 * One scenario expressed twice — a public host sending 90/10 to two
 * Services, behind a gateway whose certificate covers it — once with an
 * Istio Gateway and VirtualService, once with a Gateway API Gateway and
 * HTTPRoute. The status gives the same answer about hosts, weights,
 * certificates, findings and verdict: a user reads one card either way.
 *
 * The testbed runs no istiod and no Deployment controller, so the test
 * writes what they would: the Gateway API objects' conditions and the
 * `<name>-istio` Deployment's replica counts. References leave `group` out
 * (the core group): the client would send `group: ''` as null.
 */
describeWithCluster('one scenario, two ingress APIs', cluster => {
  const domain = 'equiv.example';
  const host = `app.${domain}`;

  /** A namespace with the entity's pod and its two Services. */
  async function team(suffix: string, id: string) {
    const namespace = await cluster().extraNamespace(suffix, true);
    const labels = { app: id, 'backstage.io/kubernetes-id': id };
    const service = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: id }, ports: [{ name: 'http', port: 80 }] },
    });
    await createObjects(
      cluster().kubeConfig,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${id}-1`, namespace, labels },
        spec: { containers: [{ name: 'app', image: 'example/web:1' }] },
      } as any,
      service('web') as any,
      service('web-canary') as any,
    );
    return namespace;
  }

  async function statusOf(id: string, namespace: string) {
    const config = new ConfigReader({
      kubernetes: kubernetesAppConfig([
        kubeconfigToClusterConfig(cluster().kubeConfig, 'testbed'),
      ]),
    });
    const status = await new StatusService({
      clusters: ClusterRegistry.fromConfig(config),
      timeoutMs: 10_000,
      logger: mockServices.logger.mock(),
    }).statusFor({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: id,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': id,
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
    });
    return { verdict: status.verdict, cluster: status.clusters[0] };
  }

  /** What a user reads, without the names of the objects that say it. */
  function answer(entry: ClusterStatus) {
    const label = (id: string) =>
      entry.topology.nodes.find(n => n.id === id)?.label;
    const services = new Set(
      entry.topology.nodes.filter(n => n.kind === 'service').map(n => n.id),
    );
    return {
      errors: entry.errors,
      hosts: entry.topology.nodes
        .filter(n => n.kind === 'host')
        .map(n => n.label)
        .sort(),
      weights: entry.topology.edges
        .filter(e => services.has(e.to))
        .map(e => [label(e.to), e.weight])
        .sort(),
      certificates: entry.certificates.map(c => ({
        hosts: c.hosts,
        secret: c.secret.name,
        verdict: c.verdict,
        verdicts: c.verdicts,
        severity: c.severity,
        sans: c.certificate?.sans,
        daysLeft: c.certificate?.daysLeft,
        uncoveredHosts: c.certificate?.uncoveredHosts,
      })),
      findings: entry.findings
        .map(f => `${f.severity}:${f.id}:${f.code ?? ''}`)
        .sort(),
    };
  }

  it('gives the same hosts, weights, certificates, findings and verdict', async () => {
    const { kubeConfig } = cluster();
    const certificate = await createTestCertificate({ sans: [`*.${domain}`] });

    // Istio: Gateway + VirtualService
    const istioIngress = await cluster().extraNamespace('ingress-istio', true);
    const istioTeam = await team('istio', 'equiv-istio');
    await createObjects(
      kubeConfig,
      tlsSecretManifest(istioIngress, 'public-cert', certificate),
      buildGateway(
        {
          name: 'public',
          namespace: istioIngress,
          selector: { istio: 'ingressgateway' },
          hosts: [`*.${domain}`],
          tls: { mode: 'credential', credentialName: 'public-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
      buildVirtualService(
        {
          name: 'web',
          namespace: istioTeam,
          hosts: [host],
          gateways: [`${istioIngress}/public`],
          routes: [
            {
              destinations: [
                { host: 'web', port: 80, weight: 90 },
                { host: 'web-canary', port: 80, weight: 10 },
              ],
            },
          ],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as any,
    );

    // Gateway API: Gateway + HTTPRoute, reconciled as istiod would
    const apiIngress = await cluster().extraNamespace('ingress-gwapi', true);
    const apiTeam = await team('gwapi', 'equiv-gwapi');
    const parentRef = { name: 'public', namespace: apiIngress };
    await createObjects(
      kubeConfig,
      tlsSecretManifest(apiIngress, 'public-cert', certificate),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public', namespace: apiIngress },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            {
              name: 'https',
              port: 443,
              protocol: 'HTTPS',
              hostname: `*.${domain}`,
              tls: {
                mode: 'Terminate',
                certificateRefs: [{ kind: 'Secret', name: 'public-cert' }],
              },
              allowedRoutes: { namespaces: { from: 'All' } },
            },
          ],
        },
      } as any,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'web', namespace: apiTeam },
        spec: {
          parentRefs: [parentRef],
          hostnames: [host],
          rules: [
            {
              backendRefs: [
                { name: 'web', port: 80, weight: 90 },
                { name: 'web-canary', port: 80, weight: 10 },
              ],
            },
          ],
        },
      } as any,
    );
    await reconcileGatewayApi(apiIngress, apiTeam, parentRef);

    const istio = await statusOf('equiv-istio', istioTeam);
    const gatewayApi = await statusOf('equiv-gwapi', apiTeam);

    // the two really took different paths …
    expect(istio.cluster.traffic.virtualServices).toHaveLength(1);
    expect(istio.cluster.traffic.httpRoutes ?? []).toEqual([]);
    expect(gatewayApi.cluster.traffic.httpRoutes).toHaveLength(1);
    expect(gatewayApi.cluster.traffic.virtualServices).toEqual([]);
    // … and tell the user the same
    expect(answer(gatewayApi.cluster)).toEqual(answer(istio.cluster));
    expect(gatewayApi.verdict).toBe(istio.verdict);
    expect(answer(istio.cluster)).toMatchObject({
      errors: [],
      hosts: [host],
      weights: [
        ['web', 90],
        ['web-canary', 10],
      ],
      certificates: [
        {
          hosts: [host],
          verdict: 'ok',
          verdicts: ['ok'],
          uncoveredHosts: [],
        },
      ],
    });
  });

  /** The conditions istiod writes and the Deployment it creates, ready. */
  async function reconcileGatewayApi(
    ingress: string,
    namespace: string,
    parentRef: { name: string; namespace: string },
  ) {
    const { AppsV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    const { kubeConfig } = cluster();
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const ok = (type: string) => ({
      type,
      status: 'True',
      reason: type,
      message: 'No errors found',
      observedGeneration: 1,
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    const setStatus = (
      ns: string,
      plural: string,
      name: string,
      value: object,
    ) =>
      custom.patchNamespacedCustomObjectStatus({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        namespace: ns,
        plural,
        name,
        body: [{ op: 'add', path: '/status', value }],
      });
    await setStatus(ingress, 'gateways', 'public', {
      conditions: [ok('Accepted'), ok('Programmed')],
      listeners: [
        {
          name: 'https',
          supportedKinds: [
            { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
          ],
          attachedRoutes: 1,
          conditions: [ok('Accepted'), ok('ResolvedRefs'), ok('Programmed')],
        },
      ],
    });
    await setStatus(namespace, 'httproutes', 'web', {
      parents: [
        {
          parentRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            ...parentRef,
          },
          controllerName: 'istio.io/gateway-controller',
          conditions: [ok('Accepted'), ok('ResolvedRefs')],
        },
      ],
    });
    const labels = { 'gateway.networking.k8s.io/gateway-name': 'public' };
    await apps.createNamespacedDeployment({
      namespace: ingress,
      body: {
        metadata: { name: 'public-istio', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'istio-proxy',
                  image: 'docker.io/istio/proxyv2:1.30.3',
                },
              ],
            },
          },
        },
      },
    });
    const deployment = await apps.readNamespacedDeploymentStatus({
      name: 'public-istio',
      namespace: ingress,
    });
    deployment.status = {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    };
    await apps.replaceNamespacedDeploymentStatus({
      name: 'public-istio',
      namespace: ingress,
      body: deployment,
    });
  }
});
