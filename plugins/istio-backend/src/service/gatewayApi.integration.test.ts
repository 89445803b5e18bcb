import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  setExternalSecretStatus,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { StatusService } from './StatusService';

/**
 * The Gateway API in the status, on a real API server with the Gateway API
 * v1.5.1 CRDs. The testbed runs no Gateway controller (no istiod) and no
 * Deployment controller, so the test plays their parts: it writes the
 * Gateway's, its listener's and the HTTPRoutes' conditions through the
 * status subresource (as istiod does) and the `<name>-istio` Deployment's
 * replica counts (as the Deployment controller does).
 *
 * References leave `group` out (the core group): the client would send
 * `group: ''` as null, which the API server refuses.
 */
const ENTITY_ID = 'gwapi-shop';
const GATEWAY_API = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
};

describeWithCluster(
  'Gateway API in the status against the test cluster',
  cluster => {
    async function clients() {
      const { AppsV1Api, CustomObjectsApi } = await import(
        '@kubernetes/client-node'
      );
      const { kubeConfig } = cluster();
      return {
        apps: kubeConfig.makeApiClient(AppsV1Api),
        custom: kubeConfig.makeApiClient(CustomObjectsApi),
      };
    }

    const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (
      type: string,
      status: 'True' | 'False',
      reason: string,
      message: string,
    ) => ({
      type,
      status,
      reason,
      message,
      observedGeneration: 1,
      lastTransitionTime: now(),
    });

    /** What istiod writes on an object, through the status subresource. */
    async function setStatus(
      namespace: string,
      plural: 'gateways' | 'httproutes',
      name: string,
      status: Record<string, unknown>,
    ) {
      const { custom } = await clients();
      await custom.patchNamespacedCustomObjectStatus({
        ...GATEWAY_API,
        namespace,
        plural,
        name,
        body: [{ op: 'add', path: '/status', value: status }],
      });
    }

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

    it('shows HTTPRoutes, their Gateway and listener, the topology, the listener certificate, the Deployment and the findings', async () => {
      const { kubeConfig, namespace } = cluster();
      const { apps } = await clients();
      const ingress = await cluster().extraNamespace('ingress', true);
      const labels = {
        app: ENTITY_ID,
        'backstage.io/kubernetes-id': ENTITY_ID,
      };
      const service = (name: string) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
        spec: {
          selector: { app: ENTITY_ID },
          ports: [{ name: 'http', port: 80 }],
        },
      });
      const parentRef = {
        name: 'public',
        namespace: ingress,
        sectionName: 'https',
      };

      await createObjects(
        kubeConfig,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${ENTITY_ID}-1`, namespace, labels },
          spec: { containers: [{ name: 'app', image: 'example/shop:1' }] },
        },
        service(ENTITY_ID),
        service(`${ENTITY_ID}-canary`),
        tlsSecretManifest(
          ingress,
          'gw-cert',
          await createTestCertificate({ sans: ['*.gwapi.example'] }),
        ),
        externalSecretManifest(ingress, 'gw-cert-sync', 'gw-cert', {
          refreshInterval: '1h',
        }),
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'public', namespace: ingress },
          spec: {
            gatewayClassName: 'istio',
            listeners: [
              {
                name: 'https',
                port: 443,
                protocol: 'HTTPS',
                hostname: '*.gwapi.example',
                tls: {
                  mode: 'Terminate',
                  certificateRefs: [{ kind: 'Secret', name: 'gw-cert' }],
                },
                allowedRoutes: { namespaces: { from: 'All' } },
              },
            ],
          },
        },
        // the shop's route: 90/10 between its two Services
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'shop', namespace },
          spec: {
            parentRefs: [parentRef],
            hostnames: ['app.gwapi.example'],
            rules: [
              {
                matches: [{ path: { type: 'PathPrefix', value: '/' } }],
                backendRefs: [
                  { name: ENTITY_ID, port: 80, weight: 90 },
                  { name: `${ENTITY_ID}-canary`, port: 80, weight: 10 },
                ],
              },
            ],
          },
        },
        // an admin route whose second backend does not exist
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'admin', namespace },
          spec: {
            parentRefs: [parentRef],
            hostnames: ['admin.gwapi.example'],
            rules: [
              {
                backendRefs: [
                  { name: ENTITY_ID, port: 80 },
                  { name: 'no-such-service', port: 80 },
                ],
              },
            ],
          },
        },
      );
      await setExternalSecretStatus(kubeConfig, ingress, 'gw-cert-sync', {
        status: 'True',
        reason: 'SecretSynced',
      });

      // the Deployment istiod would create, with one of two replicas ready
      const gatewayLabels = {
        'gateway.networking.k8s.io/gateway-name': 'public',
      };
      await apps.createNamespacedDeployment({
        namespace: ingress,
        body: {
          metadata: { name: 'public-istio', labels: gatewayLabels },
          spec: {
            replicas: 2,
            selector: { matchLabels: gatewayLabels },
            template: {
              metadata: { labels: gatewayLabels },
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
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: 1,
        availableReplicas: 1,
        unavailableReplicas: 1,
      };
      await apps.replaceNamespacedDeploymentStatus({
        name: 'public-istio',
        namespace: ingress,
        body: deployment,
      });

      // what istiod would write
      await setStatus(ingress, 'gateways', 'public', {
        conditions: [
          condition('Accepted', 'True', 'Accepted', 'Resource accepted'),
          condition('Programmed', 'True', 'Programmed', 'Resource programmed'),
        ],
        listeners: [
          {
            name: 'https',
            supportedKinds: [
              { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
            ],
            attachedRoutes: 2,
            conditions: [
              condition('Accepted', 'True', 'Accepted', 'No errors found'),
              condition(
                'ResolvedRefs',
                'True',
                'ResolvedRefs',
                'No errors found',
              ),
              condition('Programmed', 'True', 'Programmed', 'No errors found'),
            ],
          },
        ],
      });
      const routeStatus = (resolved: ReturnType<typeof condition>) => ({
        parents: [
          {
            parentRef: {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              ...parentRef,
            },
            controllerName: 'istio.io/gateway-controller',
            conditions: [
              condition('Accepted', 'True', 'Accepted', 'Route was valid'),
              resolved,
            ],
          },
        ],
      });
      await setStatus(
        namespace,
        'httproutes',
        'shop',
        routeStatus(
          condition(
            'ResolvedRefs',
            'True',
            'ResolvedRefs',
            'All references resolved',
          ),
        ),
      );
      await setStatus(
        namespace,
        'httproutes',
        'admin',
        routeStatus(
          condition(
            'ResolvedRefs',
            'False',
            'BackendNotFound',
            `backend(no-such-service.${namespace}.svc.cluster.local) not found`,
          ),
        ),
      );

      const config = new ConfigReader({
        kubernetes: kubernetesAppConfig([
          kubeconfigToClusterConfig(kubeConfig, 'testbed'),
        ]),
        istio: {
          clusters: [
            {
              name: 'testbed',
              kiali: { baseUrl: 'https://kiali.example.com/kiali' },
            },
          ],
        },
      });
      const status = await new StatusService({
        clusters: ClusterRegistry.fromConfig(config),
        timeoutMs: 10_000,
        logger: mockServices.logger.mock(),
      }).statusFor(entity());
      const [testbed] = status.clusters;
      expect(testbed.errors).toEqual([]);

      // traffic: both routes, with their parent, conditions and weights
      const fqdn = (name: string) => `${name}.${namespace}.svc.cluster.local`;
      expect(testbed.traffic.httpRoutes).toEqual([
        {
          ref: `${namespace}/admin`,
          hostnames: ['admin.gwapi.example'],
          parents: [
            {
              gateway: `${ingress}/public`,
              sectionName: 'https',
              listeners: ['https'],
              conditions: [
                expect.objectContaining({ type: 'Accepted', status: 'True' }),
                {
                  type: 'ResolvedRefs',
                  status: 'False',
                  reason: 'BackendNotFound',
                  message: `backend(no-such-service.${namespace}.svc.cluster.local) not found`,
                },
              ],
            },
          ],
          rules: [
            {
              matches: ['PathPrefix /'],
              // the API server stores the default weight, 1
              backends: [
                { service: fqdn(ENTITY_ID), port: 80, weight: 1 },
                { service: fqdn('no-such-service'), port: 80, weight: 1 },
              ],
            },
          ],
        },
        {
          ref: `${namespace}/shop`,
          hostnames: ['app.gwapi.example'],
          parents: [
            expect.objectContaining({
              gateway: `${ingress}/public`,
              listeners: ['https'],
              conditions: [
                expect.objectContaining({ type: 'Accepted', status: 'True' }),
                expect.objectContaining({
                  type: 'ResolvedRefs',
                  status: 'True',
                }),
              ],
            }),
          ],
          rules: [
            {
              matches: ['PathPrefix /'],
              backends: [
                { service: fqdn(ENTITY_ID), port: 80, weight: 90 },
                { service: fqdn(`${ENTITY_ID}-canary`), port: 80, weight: 10 },
              ],
            },
          ],
        },
      ]);
      expect(testbed.traffic.k8sGateways).toEqual([
        {
          ref: `${ingress}/public`,
          className: 'istio',
          listeners: [
            {
              name: 'https',
              port: 443,
              protocol: 'HTTPS',
              hostname: '*.gwapi.example',
              tlsMode: 'Terminate',
              certificateRefs: [`${ingress}/gw-cert`],
              attachedRoutes: 2,
              conditions: [
                expect.objectContaining({ type: 'Accepted', status: 'True' }),
                expect.objectContaining({
                  type: 'ResolvedRefs',
                  status: 'True',
                }),
                expect.objectContaining({ type: 'Programmed', status: 'True' }),
              ],
            },
          ],
          conditions: [
            expect.objectContaining({ type: 'Accepted', status: 'True' }),
            expect.objectContaining({ type: 'Programmed', status: 'True' }),
          ],
          deployment: {
            namespace: ingress,
            name: 'public-istio',
            exists: true,
            ready: false,
            desired: 2,
            readyReplicas: 1,
            availableReplicas: 1,
          },
        },
      ]);

      // topology: host → Gateway → listener → HTTPRoute → Service (90/10) → pod
      const gatewayId = `k8sgateway:${ingress}/public`;
      const listenerId = `listener:${ingress}/public#https`;
      const routeId = `httproute:${namespace}/shop`;
      expect(testbed.topology.nodes).toEqual(
        expect.arrayContaining([
          {
            id: 'host:app.gwapi.example',
            kind: 'host',
            label: 'app.gwapi.example',
          },
          { id: gatewayId, kind: 'gateway', label: `${ingress}/public` },
          { id: listenerId, kind: 'listener', label: 'https · HTTPS 443' },
          { id: routeId, kind: 'httpRoute', label: 'shop' },
          {
            id: `service:${fqdn(ENTITY_ID)}`,
            kind: 'service',
            label: ENTITY_ID,
          },
          expect.objectContaining({
            id: `workload:${namespace}/${ENTITY_ID}-1`,
            kind: 'workload',
            podCount: 1,
          }),
        ]),
      );
      expect(testbed.topology.edges).toEqual(
        expect.arrayContaining([
          { from: 'host:app.gwapi.example', to: gatewayId },
          { from: gatewayId, to: listenerId },
          { from: listenerId, to: routeId },
          { from: routeId, to: `service:${fqdn(ENTITY_ID)}`, weight: 90 },
          {
            from: routeId,
            to: `service:${fqdn(`${ENTITY_ID}-canary`)}`,
            weight: 10,
          },
          {
            from: `service:${fqdn(ENTITY_ID)}`,
            to: `workload:${namespace}/${ENTITY_ID}-1`,
          },
        ]),
      );

      // the listener's certificate, with its ExternalSecret, for both hosts
      expect(testbed.certificates).toEqual([
        expect.objectContaining({
          hosts: ['admin.gwapi.example', 'app.gwapi.example'],
          gateway: `${ingress}/public`,
          secret: { namespace: ingress, name: 'gw-cert' },
          certificate: expect.objectContaining({
            sans: ['*.gwapi.example'],
            uncoveredHosts: [],
          }),
          externalSecret: expect.objectContaining({
            name: 'gw-cert-sync',
            ready: true,
          }),
          verdict: 'ok',
        }),
      ]);

      // findings: the rule book's, the False condition, the Deployment
      const gatewayApiFindings = testbed.findings.filter(f =>
        /\/(HTTPRoute|Gateway)\//.test(f.object),
      );
      expect(
        gatewayApiFindings.map(f => [f.id, f.severity, f.object, f.code]),
      ).toEqual([
        [
          'destination-not-found',
          'error',
          `${namespace}/HTTPRoute/admin`,
          'IST0101',
        ],
        [
          'gateway-api-condition-false',
          'error',
          `${namespace}/HTTPRoute/admin`,
          undefined,
        ],
        [
          'gateway-deployment-not-ready',
          'warning',
          `${ingress}/Gateway/public`,
          undefined,
        ],
      ]);
      expect(gatewayApiFindings[1].message).toBe(
        `HTTPRoute ${namespace}/admin on Gateway ${ingress}/public (listener 'https'): ResolvedRefs=False (BackendNotFound): backend(no-such-service.${namespace}.svc.cluster.local) not found`,
      );
      expect(gatewayApiFindings[2].message).toBe(
        `Deployment ${ingress}/public-istio of Gateway ${ingress}/public has 1 of 2 replicas ready`,
      );
      expect(status.verdict).toBe('critical');

      // Kiali's pages of the Gateway API kinds
      const kiali = 'https://kiali.example.com/kiali/console/namespaces';
      expect(testbed.links.kialiConfig).toEqual({
        [`K8sGateway:${ingress}/public`]: `${kiali}/${ingress}/istio/gateway.networking.k8s.io/v1/Gateway/public`,
        [`HTTPRoute:${namespace}/admin`]: `${kiali}/${namespace}/istio/gateway.networking.k8s.io/v1/HTTPRoute/admin`,
        [`HTTPRoute:${namespace}/shop`]: `${kiali}/${namespace}/istio/gateway.networking.k8s.io/v1/HTTPRoute/shop`,
      });

      // once the Deployment is gone, the Gateway has nothing serving it
      await apps.deleteNamespacedDeployment({
        name: 'public-istio',
        namespace: ingress,
      });
      const after = await new StatusService({
        clusters: ClusterRegistry.fromConfig(config),
        timeoutMs: 10_000,
        logger: mockServices.logger.mock(),
      }).statusFor(entity());
      expect(
        after.clusters[0].traffic.k8sGateways?.[0].deployment,
      ).toMatchObject({
        exists: false,
        ready: false,
      });
      expect(
        after.clusters[0].findings
          .filter(f => f.id.startsWith('gateway-deployment'))
          .map(f => [f.id, f.severity]),
      ).toEqual([['gateway-deployment-missing', 'error']]);
    });
  },
);
