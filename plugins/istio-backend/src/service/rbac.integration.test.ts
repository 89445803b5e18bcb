import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  ClusterRegistry,
  kubeconfigToClusterConfig,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { StatusService } from './StatusService';

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
    const { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, KubeConfig } =
      await import('@kubernetes/client-node');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
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
    const labels = { app: 'rbac', 'backstage.io/kubernetes-id': 'rbac' };
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'rbac-1', labels },
        spec: { containers: [{ name: 'app', image: 'x' }] },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'rbac' },
        spec: { selector: { app: 'rbac' }, ports: [{ port: 80 }] },
      },
    });
    await core.createNamespacedSecret({
      namespace: ingress,
      body: tlsSecretManifest(
        ingress,
        'gw-cert',
        await createTestCertificate({ sans: ['*.rbac.example'] }),
      ),
    });
    const create = (group: string, ns: string, plural: string, body: object) =>
      custom.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace: ns,
        plural,
        body,
      });
    await create('external-secrets.io', ingress, 'externalsecrets', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'gw-cert' },
      spec: {
        secretStoreRef: { name: 'acm', kind: 'ClusterSecretStore' },
        target: { name: 'gw-cert' },
        data: [{ secretKey: 'tls.crt', remoteRef: { key: 'k' } }],
      },
    });
    await create('networking.istio.io', ingress, 'gateways', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: ['*.rbac.example'],
            tls: { mode: 'SIMPLE', credentialName: 'gw-cert' },
          },
        ],
      },
    });
    await create('networking.istio.io', namespace, 'virtualservices', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'rbac' },
      spec: {
        hosts: ['app.rbac.example'],
        gateways: [`${ingress}/public`],
        http: [{ route: [{ destination: { host: 'rbac' } }] }],
      },
    });

    const limited = new KubeConfig();
    limited.loadFromFile(limitedKubeconfig);
    const service = () =>
      new StatusService({
        clusters: ClusterRegistry.fromConfig(
          new ConfigReader({
            kubernetes: kubernetesAppConfig([
              kubeconfigToClusterConfig(limited, 'testbed'),
            ]),
          }),
        ),
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
    expect(full.clusters[0].certificates).toEqual([
      expect.objectContaining({
        secret: { namespace: ingress, name: 'gw-cert' },
        certificate: expect.objectContaining({ sans: ['*.rbac.example'] }),
        externalSecret: expect.objectContaining({ name: 'gw-cert' }),
      }),
    ]);
    // the refresh role allows the force-sync patch
    await expect(
      service().forceSync('testbed', ingress, 'gw-cert'),
    ).resolves.toMatch(/^\d+$/);

    // without the secret role, the answer names what is missing
    await rbac.deleteNamespacedRoleBinding({
      namespace: ingress,
      name: 'meshdeck-gateway-certificates',
    });
    await eventually(async () => {
      const s = await service().statusFor(entity);
      expect(s.clusters[0].errors).toEqual([
        expect.objectContaining({ kind: 'forbidden' }),
      ]);
      expect(s.clusters[0].errors[0].message).toContain(
        `User "${LIMITED_USER}" cannot get resource "secrets"`,
      );
    });
  });
});
