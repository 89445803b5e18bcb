import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A Kubernetes object of any kind, as {@link createObjects} takes it.
 *
 * @public
 */
export type TestObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

/**
 * Creates objects of any kind, in order, as the admin of the test cluster.
 * Build Istio objects with istio-common's builders rather than by hand.
 *
 * @public
 */
export async function createObjects(
  kubeConfig: KubeConfig,
  ...objects: TestObject[]
): Promise<void> {
  const { KubernetesObjectApi } = await import('@kubernetes/client-node');
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of objects) {
    await api.create(object);
  }
}

/**
 * A pod and the Service that selects it, labelled for the catalog entity
 * `name` (`app` and `backstage.io/kubernetes-id`). The pod stays Pending:
 * the test cluster has no kubelet.
 *
 * @public
 */
export function serviceWithPod(
  namespace: string,
  name: string,
  port = 80,
): TestObject[] {
  const labels = { app: name, 'backstage.io/kubernetes-id': name };
  return [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${name}-1`, namespace, labels },
      spec: { containers: [{ name: 'app', image: `example/${name}:1` }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace },
      spec: { selector: { app: name }, ports: [{ name: 'http', port }] },
    },
  ];
}

/**
 * An external-secrets ExternalSecret that writes the TLS secret `target`.
 *
 * @public
 */
export function externalSecretManifest(
  namespace: string,
  name: string,
  target: string,
  spec: Record<string, unknown> = {},
): TestObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace },
    spec: {
      secretStoreRef: { name: 'aws-acm', kind: 'ClusterSecretStore' },
      target: { name: target },
      data: [{ secretKey: 'tls.crt', remoteRef: { key: target } }],
      ...spec,
    },
  };
}

/**
 * Writes the status an external-secrets controller would: the `Ready`
 * condition and the last refresh time. The test cluster runs no controller.
 *
 * @public
 */
export async function setExternalSecretStatus(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  ready: { status: 'True' | 'False'; reason?: string; message?: string },
  refreshTime = new Date().toISOString(),
): Promise<void> {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  await kubeConfig
    .makeApiClient(CustomObjectsApi)
    .patchNamespacedCustomObjectStatus({
      group: 'external-secrets.io',
      version: 'v1',
      namespace,
      plural: 'externalsecrets',
      name,
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            refreshTime,
            conditions: [{ type: 'Ready', ...ready }],
          },
        },
      ],
    });
}
