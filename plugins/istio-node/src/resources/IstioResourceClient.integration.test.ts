import { describeWithCluster } from '../testUtils';
import { IstioResourceClient } from './IstioResourceClient';
import { istioResources } from './istioResources';

describeWithCluster('IstioResourceClient against the test cluster', cluster => {
  it('lists the VirtualServices of a namespace through kubernetes.clusterLocatorMethods config', async () => {
    const { kubeConfig, namespace, registry, clusterName } = cluster();
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
          metadata: { name: 'checkout' },
          spec: {
            hosts: ['checkout.example.com'],
            gateways: ['istio-ingress/public'],
            http: [{ route: [{ destination: { host: 'checkout' } }] }],
          },
        },
      });

    // the plugins' path: config -> registry -> credentials -> client
    const client = await IstioResourceClient.create(
      await registry.kubeConfig(clusterName),
    );
    const items = await client.list(istioResources.virtualService, namespace);

    expect(items.map(i => i.metadata.name)).toEqual(['checkout']);
    expect(items[0].apiVersion).toBe('networking.istio.io/v1');
    expect(items[0].spec.hosts).toEqual(['checkout.example.com']);
  });

  it('discovers the versions the cluster serves', async () => {
    const { registry, clusterName } = cluster();
    const client = await IstioResourceClient.create(
      await registry.kubeConfig(clusterName),
    );
    expect(await client.servedVersions('networking.istio.io')).toEqual(
      expect.arrayContaining(['v1', 'v1beta1']),
    );
    expect(await client.versionOf(istioResources.authorizationPolicy)).toBe(
      'v1',
    );
  });
});
