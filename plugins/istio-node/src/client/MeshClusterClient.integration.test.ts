import {
  buildPeerAuthentication,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import { ConflictError } from '@backstage/errors';
import {
  createTestCertificate,
  describeWithCluster,
  tlsSecretManifest,
} from '../testUtils';
import { istioResources } from '../resources/istioResources';
import { MeshClusterClient } from './MeshClusterClient';

describeWithCluster('MeshClusterClient against the test cluster', cluster => {
  async function client() {
    const { registry, clusterName } = cluster();
    // the plugins' path: config -> registry -> credentials -> client
    return MeshClusterClient.create(await registry.kubeConfig(clusterName));
  }

  function virtualService(hosts: string[]) {
    return buildVirtualService(
      {
        name: 'checkout',
        namespace: cluster().namespace,
        hosts,
        gateways: ['istio-ingress/public'],
        routes: [{ destinations: [{ host: 'checkout', port: 8080 }] }],
      },
      DEFAULT_ISTIO_API_VERSIONS,
    );
  }

  it('lists the VirtualServices of a namespace through kubernetes.clusterLocatorMethods config', async () => {
    const { kubeConfig, namespace } = cluster();
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    await kubeConfig
      .makeApiClient(CustomObjectsApi)
      .createNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace,
        plural: 'virtualservices',
        body: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'listed' },
          spec: { hosts: ['listed.example.com'] },
        },
      });

    const c = await client();
    const items = await c.list(istioResources.virtualService, namespace);
    expect(items.map(i => i.metadata.name)).toEqual(['listed']);
    expect(items[0].apiVersion).toBe('networking.istio.io/v1');

    const everywhere = await c.list(istioResources.virtualService);
    expect(
      everywhere.map(i => `${i.metadata.namespace}/${i.metadata.name}`),
    ).toContain(`${namespace}/listed`);
    expect(
      await c.get(istioResources.virtualService, namespace, 'listed'),
    ).toMatchObject({
      spec: { hosts: ['listed.example.com'] },
    });
    expect(
      await c.get(istioResources.virtualService, namespace, 'nope'),
    ).toBeUndefined();
  });

  it('discovers the versions the cluster serves', async () => {
    const c = await client();
    expect(await c.servedVersions('networking.istio.io')).toEqual(
      expect.arrayContaining(['v1', 'v1beta1']),
    );
    expect(await c.istioApiVersions()).toEqual({
      networking: 'v1',
      security: 'v1',
    });
  });

  it('server-side applies: created, then unchanged, then configured; dry run writes nothing', async () => {
    const c = await client();
    const { namespace } = cluster();

    const dry = await c.apply(virtualService(['dry.example.com']), {
      dryRun: true,
    });
    expect(dry).toEqual({
      ref: `${namespace}/VirtualService/checkout`,
      outcome: 'created',
      dryRun: true,
    });
    expect(
      await c.get(istioResources.virtualService, namespace, 'checkout'),
    ).toBeUndefined();

    expect((await c.apply(virtualService(['a.example.com']))).outcome).toBe(
      'created',
    );
    expect((await c.apply(virtualService(['a.example.com']))).outcome).toBe(
      'unchanged',
    );
    expect(
      (
        await c.apply(virtualService(['a.example.com', 'b.example.com']), {
          dryRun: true,
        })
      ).outcome,
    ).toBe('configured');
    expect(
      (await c.apply(virtualService(['a.example.com', 'b.example.com'])))
        .outcome,
    ).toBe('configured');

    const stored = await c.get(
      istioResources.virtualService,
      namespace,
      'checkout',
    );
    expect(stored?.spec.hosts).toEqual(['a.example.com', 'b.example.com']);
    expect(stored?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'meshdeck',
    });
    const managers = (
      stored?.metadata.managedFields as Array<{ manager: string }>
    ).map(f => f.manager);
    expect(managers).toEqual(['meshdeck']);
  });

  it('reports a conflict with another field manager, and takes over with force', async () => {
    const { kubeConfig, namespace } = cluster();
    const c = await client();
    const manifest = buildPeerAuthentication(
      { namespace, mode: 'STRICT' },
      DEFAULT_ISTIO_API_VERSIONS,
    );
    // another tool owns the mTLS mode
    const { KubernetesObjectApi, PatchStrategy } = await import(
      '@kubernetes/client-node'
    );
    await KubernetesObjectApi.makeApiClient(kubeConfig).patch(
      { ...manifest, spec: { mtls: { mode: 'PERMISSIVE' } } } as any,
      undefined,
      undefined,
      'platform-team',
      false,
      PatchStrategy.ServerSideApply,
    );

    const conflict = c.apply(manifest);
    await expect(conflict).rejects.toThrow(ConflictError);
    await expect(c.apply(manifest)).rejects.toThrow(
      `${namespace}/PeerAuthentication/default: `,
    );
    await expect(c.apply(manifest)).rejects.toThrow('re-run with force');

    expect((await c.apply(manifest, { force: true })).outcome).toBe(
      'configured',
    );
    const stored = await c.get(
      istioResources.peerAuthentication,
      namespace,
      'default',
    );
    expect(stored?.spec.mtls.mode).toBe('STRICT');
  });

  it('reads only the public certificate of a TLS secret', async () => {
    const { kubeConfig, namespace } = cluster();
    const certificate = await createTestCertificate({
      sans: ['*.example.com'],
    });
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await kubeConfig.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace,
      body: tlsSecretManifest(namespace, 'gateway-cert', certificate, {
        password: 'MARKER-do-not-leak',
      }),
    });
    const c = await client();

    const read = await c.readTlsCertificate(namespace, 'gateway-cert');
    expect(read).toMatchObject({
      exists: true,
      certificate: { sans: ['*.example.com'] },
    });
    const text = JSON.stringify(read);
    expect(text).not.toContain('MARKER');
    expect(text).not.toContain('PRIVATE KEY');
    expect(await c.readTlsCertificate(namespace, 'missing')).toEqual({
      exists: false,
    });
  });

  it('finds installed control-plane revisions from istiod Deployments', async () => {
    const { kubeConfig, namespace } = cluster();
    const { AppsV1Api } = await import('@kubernetes/client-node');
    const deployment = (name: string, labels: Record<string, string>) => ({
      metadata: { name, namespace, labels },
      spec: {
        selector: { matchLabels: { app: 'istiod', ...labels } },
        template: {
          metadata: { labels: { app: 'istiod', ...labels } },
          spec: {
            containers: [{ name: 'discovery', image: 'istio/pilot:1.30.3' }],
          },
        },
      },
    });
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment('istiod', { app: 'istiod' }),
    });
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment('istiod-1-30', {
        app: 'istiod',
        'istio.io/rev': '1-30',
      }),
    });
    const revisions = await (await client()).istioRevisions();
    expect(revisions).toEqual(expect.arrayContaining(['default', '1-30']));
  });
});
