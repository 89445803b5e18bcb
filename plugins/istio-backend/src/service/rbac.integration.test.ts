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
  serviceWithPod,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { exposedService } from '../__testUtils__/exposedService';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { CertificateRefreshService } from './CertificateRefreshService';
import { ClusterGenerations } from './ClusterGenerations';
import { StatusService } from './StatusService';
import type { MeshReads } from './MeshReads';
import { WatchedReads } from '../watch/WatchedReads';

/**
 * deploy/rbac.yaml is enough: the testbed's limited user, bound to exactly
 * those roles, gets a complete status, and a clear error once a permission
 * is taken away.
 */
const limitedKubeconfig = process.env.MESHDECK_TEST_LIMITED_KUBECONFIG;
const LIMITED_USER =
  process.env.MESHDECK_TEST_LIMITED_USER ?? 'testbed-limited';
const RBAC_FILE = path.resolve(__dirname, '../../../../deploy/rbac.yaml');

describeWithCluster('deploy/rbac.yaml against the test cluster', cluster => {
  const clusterScoped: Array<{ kind: string; name: string }> = [];

  afterAll(async () => {
    const { RbacAuthorizationV1Api } = await import('@kubernetes/client-node');
    const rbac = cluster().kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    for (const { kind, name } of clusterScoped) {
      await (kind === 'ClusterRole'
        ? rbac.deleteClusterRole({ name })
        : rbac.deleteClusterRoleBinding({ name })
      ).catch(() => undefined);
    }
  });

  it('gives the backend what it needs and nothing breaks silently when a permission goes', async () => {
    if (!limitedKubeconfig) {
      if (process.env.MESHDECK_REQUIRE_CLUSTER === '1') {
        throw new Error('MESHDECK_TEST_LIMITED_KUBECONFIG is not set');
      }
      // eslint-disable-next-line no-console
      console.warn(
        'SKIPPED the RBAC test: MESHDECK_TEST_LIMITED_KUBECONFIG names no user without bindings',
      );
      return;
    }
    const { kubeConfig, namespace } = cluster();
    const { RbacAuthorizationV1Api, KubeConfig } = await import(
      '@kubernetes/client-node'
    );
    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const ingress = await cluster().extraNamespace('ingress', true);

    // the roles from deploy/rbac.yaml, bound to the limited user
    const documents = yaml
      .parseAllDocuments(fs.readFileSync(RBAC_FILE, 'utf8'))
      .map(d => d.toJSON());
    const subjects = [
      {
        kind: 'User',
        name: LIMITED_USER,
        apiGroup: 'rbac.authorization.k8s.io',
      },
    ];
    for (const doc of documents) {
      if (
        doc.kind === 'ClusterRole' &&
        doc.metadata.name === 'meshdeck-status'
      ) {
        const name = `${doc.metadata.name}-${namespace}`;
        await rbac.createClusterRole({ body: { ...doc, metadata: { name } } });
        await rbac.createClusterRoleBinding({
          body: {
            metadata: { name },
            subjects,
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name,
            },
          },
        });
        clusterScoped.push(
          { kind: 'ClusterRole', name },
          { kind: 'ClusterRoleBinding', name },
        );
      }
      if (doc.kind === 'Role') {
        const { name } = doc.metadata;
        await rbac.createNamespacedRole({
          namespace: ingress,
          body: { ...doc, metadata: { name } },
        });
        await rbac.createNamespacedRoleBinding({
          namespace: ingress,
          body: {
            metadata: { name },
            subjects,
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'Role',
              name,
            },
          },
        });
      }
    }

    // a service behind the shared gateway, with an ExternalSecret-synced certificate
    await createObjects(
      kubeConfig,
      ...serviceWithPod(namespace, 'rbac'),
      tlsSecretManifest(
        ingress,
        'gw-cert',
        await createTestCertificate({ sans: ['*.rbac.example'] }),
      ),
      externalSecretManifest(ingress, 'gw-cert', 'gw-cert'),
      ...exposedService({
        gatewayNamespace: ingress,
        gatewayHosts: ['*.rbac.example'],
        credentialName: 'gw-cert',
        namespace,
        service: 'rbac',
        host: 'app.rbac.example',
      }),
    );

    const limited = new KubeConfig();
    limited.loadFromFile(limitedKubeconfig);
    const clusters = () =>
      ClusterRegistry.fromConfig(
        new ConfigReader({
          kubernetes: kubernetesAppConfig([
            kubeconfigToClusterConfig(limited, 'testbed'),
          ]),
        }),
      );
    const service = () =>
      new StatusService({
        clusters: clusters(),
        timeoutMs: 10_000,
        logger: mockServices.logger.mock(),
      });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'rbac',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'rbac',
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
    };

    // RBAC changes reach the authorizer through an informer: allow a moment
    const eventually = async <T>(check: () => Promise<T>): Promise<T> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          return await check();
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise(r => setTimeout(r, 250));
        }
      }
    };

    const full = await eventually(async () => {
      const s = await service().statusFor(entity);
      expect(s.clusters[0].errors).toEqual([]);
      return s;
    });
    expect(full.clusters[0].workloads.map(w => w.name)).toEqual(['rbac-1']);

    // the watch-fed cache with the same roles: every collection is listed
    // and watched, nothing is read on request, the answer is the same — and
    // the collections the status role lets it watch are exactly those it
    // watches
    const onRequest = {
      cluster: () =>
        new Proxy(
          {},
          {
            get: (_, read) => () =>
              Promise.reject(new Error(`${String(read)} was read on request`)),
          },
        ),
    } as unknown as MeshReads;
    const watched = new WatchedReads({
      clusters: clusters(),
      fallback: onRequest,
      logger: mockServices.logger.mock(),
    }).start();
    try {
      expect(await watched.ready(20_000)).toBe(true);
      const clusterWatch = watched.watchOf('testbed')!;
      const fromWatches = await new StatusService({
        clusters: clusters(),
        timeoutMs: 10_000,
        logger: mockServices.logger.mock(),
        reads: watched,
      }).statusFor(entity);
      expect(fromWatches.clusters[0].errors).toEqual([]);
      const { generatedAt: _a, ...watchedAnswer } = fromWatches;
      const { generatedAt: _b, ...requestAnswer } = full;
      expect(watchedAnswer).toEqual(requestAnswer);
      expect(clusterWatch.watchedSecrets.map(w => w.state)).toEqual(['synced']);
      const statusRole = documents.find(
        d => d.kind === 'ClusterRole' && d.metadata.name === 'meshdeck-status',
      );
      const grantedWatch = statusRole.rules
        .filter((r: any) => r.verbs.includes('watch'))
        .flatMap((r: any) =>
          r.apiGroups.flatMap((g: string) =>
            r.resources.map((res: string) => `${g}/${res}`),
          ),
        )
        .sort();
      const watchedCollections = [
        ...new Set(
          clusterWatch.watches.map(w => {
            const parts = w.collection!.split('/');
            // /api/v1/<res> or /apis/<group>/<version>/<res>
            return parts[1] === 'api'
              ? `/${parts[3]}`
              : `${parts[2]}/${parts[4]}`;
          }),
        ),
      ].sort();
      expect(grantedWatch).toEqual(watchedCollections);
    } finally {
      await watched.stop();
    }
    expect(full.clusters[0].certificates).toEqual([
      expect.objectContaining({
        secret: { namespace: ingress, name: 'gw-cert' },
        certificate: expect.objectContaining({ sans: ['*.rbac.example'] }),
        externalSecret: expect.objectContaining({ name: 'gw-cert' }),
      }),
    ]);
    // an entity in ambient mode also reads the ztunnel DaemonSet and the
    // Gateway API Gateways (its waypoint): the status role allows both
    const ambientNamespace = await cluster().extraNamespace('ambient', true);
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await kubeConfig.makeApiClient(CoreV1Api).patchNamespace({
      name: ambientNamespace,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1dataplane-mode',
          value: 'ambient',
        },
        {
          op: 'add',
          path: '/metadata/labels/istio.io~1use-waypoint',
          value: 'waypoint',
        },
      ],
    });
    await createObjects(
      kubeConfig,
      ...serviceWithPod(ambientNamespace, 'rbac-ambient'),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'waypoint', namespace: ambientNamespace },
        spec: {
          gatewayClassName: 'istio-waypoint',
          listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
        },
      },
    );
    const ambientEntity = {
      ...entity,
      metadata: {
        name: 'rbac-ambient',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'rbac-ambient',
          'backstage.io/kubernetes-namespace': ambientNamespace,
        },
      },
    };
    const ambient = await eventually(async () => {
      const s = await service().statusFor(ambientEntity);
      expect(s.clusters[0].errors).toEqual([]);
      return s;
    });
    expect(ambient.clusters[0].workloads[0].pods[0].dataplane).toEqual({
      mode: 'ambient',
      captured: false,
      waypoint: {
        name: 'waypoint',
        namespace: ambientNamespace,
        source: 'namespace',
        programmed: false,
      },
    });
    expect(ambient.clusters[0].ambient?.waypoints).toEqual([
      expect.objectContaining({ name: 'waypoint', programmed: false }),
    ]);

    // an entity with an HTTPRoute (from another namespace, so the
    // ReferenceGrants are read too) on a Gateway API Gateway whose
    // `<name>-istio` Deployment is read by name: the status role allows all
    const routeNamespace = cluster().namespace;
    const gatewayApiNamespace = await cluster().extraNamespace('gwapi', true);
    const { AppsV1Api } = await import('@kubernetes/client-node');
    const gatewayLabels = {
      'gateway.networking.k8s.io/gateway-name': 'rbac-gw',
    };
    await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: ingress,
      body: {
        metadata: { name: 'rbac-gw-istio', labels: gatewayLabels },
        spec: {
          selector: { matchLabels: gatewayLabels },
          template: {
            metadata: { labels: gatewayLabels },
            spec: { containers: [{ name: 'istio-proxy', image: 'proxy:1' }] },
          },
        },
      },
    });
    await createObjects(
      kubeConfig,
      ...serviceWithPod(gatewayApiNamespace, 'rbac-gwapi'),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'rbac-gw', namespace: ingress },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            {
              name: 'http',
              port: 80,
              protocol: 'HTTP',
              allowedRoutes: { namespaces: { from: 'All' } },
            },
          ],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'rbac-gwapi', namespace: routeNamespace },
        spec: {
          parentRefs: [{ name: 'rbac-gw', namespace: ingress }],
          hostnames: ['gwapi.rbac.example'],
          rules: [
            {
              backendRefs: [
                {
                  name: 'rbac-gwapi',
                  namespace: gatewayApiNamespace,
                  port: 80,
                },
              ],
            },
          ],
        },
      },
    );
    const gatewayApiEntity = {
      ...entity,
      metadata: {
        name: 'rbac-gwapi',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': 'rbac-gwapi',
          'backstage.io/kubernetes-namespace': gatewayApiNamespace,
        },
      },
    };
    const gatewayApi = await eventually(async () => {
      const s = await service().statusFor(gatewayApiEntity);
      expect(s.clusters[0].errors).toEqual([]);
      return s;
    });
    expect(gatewayApi.clusters[0].traffic.httpRoutes?.map(r => r.ref)).toEqual([
      `${routeNamespace}/rbac-gwapi`,
    ]);
    expect(gatewayApi.clusters[0].traffic.k8sGateways).toEqual([
      expect.objectContaining({
        ref: `${ingress}/rbac-gw`,
        deployment: expect.objectContaining({
          name: 'rbac-gw-istio',
          exists: true,
        }),
      }),
    ]);
    // the grants were read: none lets the route reach across namespaces
    expect(gatewayApi.clusters[0].findings.map(f => f.id)).toContain(
      'backend-ref-not-permitted',
    );

    // the refresh role allows the force-sync patch
    const status = service();
    await expect(
      new CertificateRefreshService({
        clusters: clusters(),
        status,
        generations: new ClusterGenerations(),
      }).refresh(entity, {
        cluster: 'testbed',
        namespace: ingress,
        externalSecret: 'gw-cert',
      }),
    ).resolves.toEqual({ forceSync: expect.stringMatching(/^\d+$/) });

    // without the secret role, the answer names what is missing, and
    // everything else is still there
    await rbac.deleteNamespacedRoleBinding({
      namespace: ingress,
      name: 'meshdeck-gateway-certificates',
    });
    const partial = await eventually(async () => {
      const s = await service().statusFor(entity);
      expect(s.clusters[0].errors).toEqual([
        expect.objectContaining({ source: 'kubernetes', kind: 'forbidden' }),
      ]);
      return s;
    });
    expect(partial.clusters[0].errors[0].message).toMatch(
      new RegExp(
        `^TLS secret ${ingress}/gw-cert: .*User "${LIMITED_USER}" cannot get resource "secrets"`,
      ),
    );
    expect(partial.clusters[0].workloads.map(w => w.name)).toEqual(['rbac-1']);
    expect(partial.clusters[0].traffic.gateways).toHaveLength(1);
    expect(partial.clusters[0].certificates).toEqual([]);
  });
});
