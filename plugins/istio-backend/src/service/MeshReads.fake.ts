import type {
  KubeConfig,
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import {
  ClusterRegistry,
  CustomResourceType,
  istioResources,
  KubernetesObject,
  MeshClusterClient,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import {
  buildGateway,
  buildVirtualService,
  DaemonSetObject,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterMeshReads,
  ControlPlane,
  DeploymentObject,
  MeshReads,
} from './MeshReads';

/** What a fake cluster holds. For tests only. */
export type FakeCluster = {
  pods?: V1Pod[];
  services?: V1Service[];
  replicaSets?: V1ReplicaSet[];
  namespaces?: V1Namespace[];
  controlPlanes?: ControlPlane[];
  /**
   * Istio objects, Gateway API objects and ExternalSecrets, told apart by
   * the group of their `apiVersion` and their `kind`.
   */
  objects?: KubernetesObject[];
  /** DaemonSets (e.g. `ztunnel`), as name, namespace and status counts. */
  daemonSets?: DaemonSetObject[];
  /** Deployments read by name (e.g. a Gateway's `<name>-istio`). */
  deployments?: DeploymentObject[];
  /** TLS secrets' public fields by `namespace/name`; others do not exist. */
  tlsCertificates?: Record<string, TlsSecretCertificate>;
  /**
   * Reads that fail, by read name (`controlPlanes`) or read name and first
   * argument (`tlsCertificate:istio-ingress`; for `istioObjects` the type as
   * `plural.group`, e.g. `istioObjects:gateways.gateway.networking.k8s.io`);
   * `'hang'` never answers.
   */
  failing?: Record<string, Error | 'hang'>;
  /**
   * Reads held back until the promise settles, by read name: they answer
   * what the cluster held when they were asked.
   */
  gates?: Record<string, Promise<unknown>>;
};

function selects(selector: string, labels: Record<string, string> = {}) {
  return selector
    .split(',')
    .map(term => term.trim())
    .filter(Boolean)
    .every(term => {
      const [key, value] = term.split('=');
      return labels[key] === value;
    });
}

const inNamespace =
  (namespace: string | undefined) =>
  (o: { metadata?: { namespace?: string } }) =>
    !namespace || o.metadata?.namespace === namespace;

/**
 * An in-memory `MeshReads` over fake clusters, for tests of the status
 * without HTTP. Every read is recorded in `calls`; a cluster that is not in
 * `clusters` fails every read like an unreachable API server.
 */
export class FakeMeshReads implements MeshReads {
  readonly calls: Array<{
    cluster: string;
    generation: string;
    read: string;
    /** The first argument, e.g. `httproutes.gateway.networking.k8s.io`. */
    arg?: string;
  }> = [];
  /** Annotations set through {@link FakeMeshReads.client}. */
  readonly annotated: Array<{
    cluster: string;
    kind: string;
    namespace: string;
    name: string;
    annotations: Record<string, string>;
  }> = [];

  constructor(public readonly clusters: Record<string, FakeCluster>) {}

  /**
   * How often a read was made, e.g. `pods`, optionally in one cluster; a
   * read name with its first argument (`istioObjects:httproutes.gateway.networking.k8s.io`)
   * counts only those.
   */
  count(read: string, cluster?: string): number {
    return this.calls.filter(
      c =>
        (c.read === read || `${c.read}:${c.arg}` === read) &&
        (!cluster || c.cluster === cluster),
    ).length;
  }

  cluster(name: string, generation: string): ClusterMeshReads {
    const answer = <T>(
      read: string,
      arg: string | undefined,
      value: (c: FakeCluster) => T,
    ): Promise<T> => {
      this.calls.push({
        cluster: name,
        generation,
        read,
        ...(arg !== undefined && { arg }),
      });
      const c = this.clusters[name];
      if (!c) {
        return Promise.reject(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
            cause: { code: 'ECONNREFUSED' },
          }),
        );
      }
      const failure =
        c.failing?.[read] ?? (arg ? c.failing?.[`${read}:${arg}`] : undefined);
      if (failure === 'hang') {
        return new Promise<T>(() => {});
      }
      if (failure) {
        return Promise.reject(failure);
      }
      // a copy, as from the API server: the caller may not change the store
      const copy = structuredClone(value(c));
      const gate = c.gates?.[read];
      return gate ? gate.then(() => copy) : Promise.resolve(copy);
    };
    const objects = (
      c: FakeCluster,
      type: Pick<CustomResourceType, 'group' | 'kind'>,
      namespace?: string,
    ) =>
      (c.objects ?? [])
        .filter(
          o =>
            o.kind === type.kind && o.apiVersion.startsWith(`${type.group}/`),
        )
        .filter(inNamespace(namespace));
    return {
      pods: (namespace, labelSelector) =>
        answer('pods', namespace, c =>
          (c.pods ?? [])
            .filter(inNamespace(namespace))
            .filter(p => selects(labelSelector, p.metadata?.labels)),
        ),
      services: namespace =>
        answer('services', namespace, c =>
          (c.services ?? []).filter(inNamespace(namespace)),
        ),
      replicaSets: (namespace, labelSelector) =>
        answer('replicaSets', namespace, c =>
          (c.replicaSets ?? [])
            .filter(inNamespace(namespace))
            .filter(r => selects(labelSelector, r.metadata?.labels)),
        ),
      namespace: ns =>
        answer('namespace', ns, c =>
          (c.namespaces ?? []).find(n => n.metadata?.name === ns),
        ),
      controlPlanes: () =>
        answer('controlPlanes', undefined, c => c.controlPlanes ?? []),
      istioObjects: type =>
        answer('istioObjects', `${type.plural}.${type.group}`, c =>
          objects(c, type),
        ),
      tlsCertificate: (namespace, secret) =>
        answer(
          'tlsCertificate',
          namespace,
          c =>
            c.tlsCertificates?.[`${namespace}/${secret}`] ?? {
              exists: false as const,
            },
        ),
      externalSecrets: namespace =>
        answer('externalSecrets', namespace, c =>
          objects(c, istioResources.externalSecret, namespace),
        ),
      ztunnels: () =>
        answer('ztunnels', undefined, c =>
          (c.daemonSets ?? []).filter(d => d.metadata?.name === 'ztunnel'),
        ),
      deployment: (namespace, deployment) =>
        answer('deployment', namespace, c =>
          (c.deployments ?? []).find(
            d =>
              d.metadata?.namespace === namespace &&
              d.metadata?.name === deployment,
          ),
        ),
      namespaces: () =>
        answer('namespaces', undefined, c => c.namespaces ?? []),
      allPods: () => answer('allPods', undefined, c => c.pods ?? []),
      allServices: () =>
        answer('allServices', undefined, c => c.services ?? []),
    };
  }

  /**
   * A KubeConfig over the same fake cluster, for what `ClusterReads` lists
   * with the registry's KubeConfig (every namespace, every Service): its API
   * clients answer `listNamespace` and `listServiceForAllNamespaces`,
   * recorded in `calls` as `namespaces` and `allServices` with generation
   * `-`.
   */
  kubeConfig(name: string): KubeConfig {
    const reads = this.cluster(name, '-');
    return {
      makeApiClient: () => ({
        listNamespace: async () => ({ items: await reads.namespaces() }),
        listServiceForAllNamespaces: async () => ({
          items: await reads.allServices(),
        }),
      }),
    } as unknown as KubeConfig;
  }

  /**
   * A MeshClusterClient over the same fake cluster (the methods the status
   * and the refresh use), for what takes clients from the registry, e.g.
   * `ClusterReads`. Its reads are recorded in `calls` with generation `-`.
   */
  client(name: string): MeshClusterClient {
    const reads = this.cluster(name, '-');
    const client: Partial<MeshClusterClient> = {
      listPods: reads.pods,
      listServices: reads.services,
      listReplicaSets: reads.replicaSets,
      getNamespace: reads.namespace,
      controlPlanes: reads.controlPlanes,
      serves: async () => true,
      list: (type: CustomResourceType, namespace?: string) =>
        type.kind === 'ExternalSecret'
          ? reads.externalSecrets(namespace!)
          : reads.istioObjects(type),
      readTlsCertificate: reads.tlsCertificate,
      listDaemonSetsNamed: async (daemonSet: string) =>
        daemonSet === 'ztunnel' ? ((await reads.ztunnels()) as any) : [],
      getDeployment: async (namespace: string, deployment: string) =>
        (await reads.deployment(namespace, deployment)) as any,
      annotate: async (type, namespace, objectName, annotations) => {
        this.annotated.push({
          cluster: name,
          kind: type.kind,
          namespace,
          name: objectName,
          annotations,
        });
      },
    };
    return client as MeshClusterClient;
  }
}

const DAY = 24 * 60 * 60_000;

/** The labels of the shop's pods. */
export const shopLabels = {
  app: 'checkout',
  'backstage.io/kubernetes-id': 'checkout',
};

/** A running, ready pod of the shop with a sidecar. */
export function fakePod(
  name: string,
  extra: Partial<V1Pod['metadata']> = {},
): V1Pod {
  return {
    metadata: { name, namespace: 'shop', labels: shopLabels, ...extra },
    spec: {
      containers: [
        { name: 'app', image: 'shop/checkout:2' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: ['app', 'istio-proxy'].map(n => ({
        name: n,
        ready: true,
        restartCount: 0,
        image: '',
        imageID: '',
      })),
    },
  };
}

/** A healthy shop: one Deployment pod behind an HTTPS gateway. */
export function shopCluster(): FakeCluster {
  const notAfter = new Date(Date.now() + 90 * DAY).toISOString();
  return {
    namespaces: [
      { metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
    ],
    controlPlanes: [
      { revision: 'default', version: '1.30.3', namespace: 'istio-system' },
    ],
    pods: [
      fakePod('checkout-7d9f8-abcde', {
        labels: { ...shopLabels, 'pod-template-hash': '7d9f8' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'checkout-7d9f8',
            uid: '1',
            controller: true,
          },
        ],
      }),
    ],
    services: [
      {
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: { selector: { app: 'checkout' }, ports: [{ port: 8080 }] },
      },
    ],
    objects: [
      buildGateway(
        {
          name: 'public',
          namespace: 'istio-ingress',
          selector: { istio: 'ingressgateway' },
          hosts: ['*.shop.example'],
          tls: { mode: 'credential', credentialName: 'shop-cert' },
          httpsRedirect: false,
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
      buildVirtualService(
        {
          name: 'checkout',
          namespace: 'shop',
          hosts: ['checkout.shop.example'],
          gateways: ['istio-ingress/public'],
          routes: [{ destinations: [{ host: 'checkout' }] }],
        },
        DEFAULT_ISTIO_API_VERSIONS,
      ) as KubernetesObject,
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { mtls: { mode: 'STRICT' } },
      },
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'shop-cert-sync', namespace: 'istio-ingress' },
        spec: { target: { name: 'shop-cert' }, refreshInterval: '1h' },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ],
    tlsCertificates: {
      'istio-ingress/shop-cert': {
        exists: true,
        certificate: {
          subject: 'CN=*.shop.example',
          sans: ['*.shop.example'],
          issuer: 'CN=Test CA',
          serial: '01',
          notBefore: new Date(Date.now() - DAY).toISOString(),
          notAfter,
          daysLeft: 90,
        },
      },
    },
  };
}

/** A registry of fake clusters; the first has Kiali and Jaeger. */
export function fakeRegistry(...names: string[]) {
  return new ClusterRegistry(
    names.map(name => ({
      name,
      url: `https://${name}.example.com`,
      authProvider: 'serviceAccount',
      serviceAccountToken: 't',
      skipTLSVerify: false,
    })),
    new Map([
      [
        names[0],
        {
          kiali: { baseUrl: 'https://kiali.example.com/kiali' },
          jaeger: { baseUrl: 'https://jaeger.example.com' },
        },
      ],
    ]),
  );
}
