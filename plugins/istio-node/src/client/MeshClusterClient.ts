import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  KubeConfig,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import {
  ACM_CERTIFICATE_ARN_ANNOTATION,
  IstioApiVersions,
  Manifest,
  manifestRef,
  MESHDECK_FIELD_MANAGER,
} from '@meshdeck/plugin-istio-common';
import { ApplyResult } from '../apply/applyResult';
import {
  CertificateInfo,
  parseCertificate,
} from '../certificates/parseCertificate';
import {
  CustomResourceType,
  istioResources,
} from '../resources/istioResources';
import {
  isNotFound,
  kubernetesErrorCode,
  kubernetesErrorMessage,
} from './kubernetesErrors';

/**
 * A custom object as the API server returns it.
 *
 * @public
 */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
};

/**
 * What Meshdeck may learn about a TLS secret: whether it exists and the
 * public fields of its `tls.crt`. Never the key or any other data.
 *
 * @public
 */
export type TlsSecretCertificate =
  | { exists: false }
  | {
      exists: true;
      certificate?: CertificateInfo;
      problem?: string;
      /** `meshdeck.io/acm-certificate-arn` of the secret, if set. */
      acmArn?: string;
    };

const clientNode = () => import('@kubernetes/client-node');

/** The read's result, or undefined when the object does not exist. */
async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw e;
  }
}

function contentOf(obj: Record<string, any>): string {
  const { labels, annotations } = obj.metadata ?? {};
  return stableStringify({
    labels,
    annotations,
    spec: obj.spec,
    data: obj.data,
  });
}

function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * The public fields of a TLS secret's `tls.crt` (and its ACM annotation):
 * every other key, `tls.key` included, is dropped at once. Shared by the
 * read by name and the watch-fed cache, which is sent the same object.
 *
 * @public
 */
export function tlsSecretCertificate(secret: {
  metadata?: { annotations?: Record<string, string> };
  data?: Record<string, string>;
}): TlsSecretCertificate {
  const acmArn = secret.metadata?.annotations?.[ACM_CERTIFICATE_ARN_ANNOTATION];
  const crt = secret.data?.['tls.crt'];
  if (!crt) {
    return { exists: true, acmArn, problem: 'the secret has no tls.crt' };
  }
  try {
    return {
      exists: true,
      acmArn,
      certificate: parseCertificate(Buffer.from(crt, 'base64')),
    };
  } catch (e) {
    return {
      exists: true,
      acmArn,
      problem: `tls.crt is not a PEM certificate (${(e as Error).message})`,
    };
  }
}

/**
 * An istiod Deployment as a control plane: revision (`istio.io/rev`,
 * `default` when unlabelled), version (the image tag) and namespace.
 *
 * @public
 */
export function controlPlaneOf(deployment: {
  metadata?: { namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } };
}): { revision: string; version?: string; namespace: string } {
  const image = deployment.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const tag = image.split('@')[0].split('/').pop()?.split(':')[1];
  return {
    revision: deployment.metadata?.labels?.['istio.io/rev'] ?? 'default',
    version: tag,
    namespace: deployment.metadata?.namespace ?? '',
  };
}

/**
 * Reads and writes the objects Meshdeck works with on one cluster, with the
 * API versions the cluster actually serves.
 *
 * @public
 */
export class MeshClusterClient {
  static async create(kubeConfig: KubeConfig): Promise<MeshClusterClient> {
    return new MeshClusterClient(kubeConfig);
  }

  private servedGroups?: Promise<Map<string, string[]>>;

  private constructor(private readonly kubeConfig: KubeConfig) {}

  /** Versions of an API group the cluster serves (empty if none). */
  async servedVersions(group: string): Promise<string[]> {
    if (!this.servedGroups) {
      this.servedGroups = (async () => {
        const { ApisApi } = await clientNode();
        const list = await this.kubeConfig
          .makeApiClient(ApisApi)
          .getAPIVersions();
        return new Map(
          list.groups.map(g => [g.name, g.versions.map(v => v.version)]),
        );
      })();
      // a failed discovery must not be cached
      this.servedGroups.catch(() => {
        this.servedGroups = undefined;
      });
    }
    return (await this.servedGroups).get(group) ?? [];
  }

  /** True when the cluster serves any version of `type` Meshdeck understands. */
  async serves(type: CustomResourceType): Promise<boolean> {
    const served = await this.servedVersions(type.group);
    return type.versions.some(v => served.includes(v));
  }

  /** The most preferred version of `type` that the cluster serves. */
  async versionOf(type: CustomResourceType): Promise<string> {
    const served = await this.servedVersions(type.group);
    const version = type.versions.find(v => served.includes(v));
    if (!version) {
      throw new NotFoundError(
        `The cluster serves none of ${type.versions
          .map(v => `${type.group}/${v}`)
          .join(', ')} for ${type.kind} (served: ${
          served.join(', ') || 'nothing'
        }); are the CRDs installed?`,
      );
    }
    return version;
  }

  /** The Istio API versions to build objects with on this cluster. */
  async istioApiVersions(): Promise<IstioApiVersions> {
    const [networking, security] = await Promise.all([
      this.versionOf(istioResources.gateway),
      this.versionOf(istioResources.peerAuthentication),
    ]);
    return { networking, security };
  }

  /** Objects of `type` in a namespace, or in all namespaces. */
  async list(
    type: CustomResourceType,
    namespace?: string,
    options?: { labelSelector?: string },
  ): Promise<KubernetesObject[]> {
    const version = await this.versionOf(type);
    const { CustomObjectsApi } = await clientNode();
    const api = this.kubeConfig.makeApiClient(CustomObjectsApi);
    const params = {
      group: type.group,
      version,
      plural: type.plural,
      labelSelector: options?.labelSelector,
    };
    const body = namespace
      ? await api.listNamespacedCustomObject({ ...params, namespace })
      : await api.listClusterCustomObject(params);
    return (body as { items: KubernetesObject[] }).items;
  }

  /** One object of `type`, or undefined when it does not exist. */
  async get(
    type: CustomResourceType,
    namespace: string,
    name: string,
  ): Promise<KubernetesObject | undefined> {
    const version = await this.versionOf(type);
    const { CustomObjectsApi } = await clientNode();
    return unlessNotFound<KubernetesObject>(
      this.kubeConfig
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          group: type.group,
          version,
          namespace,
          plural: type.plural,
          name,
        }),
    );
  }

  async getNamespace(name: string): Promise<V1Namespace | undefined> {
    const { CoreV1Api } = await clientNode();
    return unlessNotFound(
      this.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name }),
    );
  }

  /** The names of all namespaces. */
  async listNamespaces(): Promise<string[]> {
    const { CoreV1Api } = await clientNode();
    const list = await this.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
    return list.items.map(ns => ns.metadata?.name ?? '').filter(Boolean);
  }

  async getService(
    namespace: string,
    name: string,
  ): Promise<V1Service | undefined> {
    const { CoreV1Api } = await clientNode();
    return unlessNotFound(
      this.kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedService({ namespace, name }),
    );
  }

  /**
   * Reads one TLS secret by name (never lists secrets) and returns only the
   * public fields of its `tls.crt`.
   */
  async readTlsCertificate(
    namespace: string,
    name: string,
  ): Promise<TlsSecretCertificate> {
    const { CoreV1Api } = await clientNode();
    try {
      return tlsSecretCertificate(
        await this.kubeConfig
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({ namespace, name }),
      );
    } catch (e) {
      if (isNotFound(e)) {
        return { exists: false };
      }
      throw e;
    }
  }

  /** Pods matching a label selector, in one namespace or in all. */
  async listPods(
    namespace: string | undefined,
    labelSelector: string,
  ): Promise<V1Pod[]> {
    const { CoreV1Api } = await clientNode();
    const api = this.kubeConfig.makeApiClient(CoreV1Api);
    const list = namespace
      ? await api.listNamespacedPod({ namespace, labelSelector })
      : await api.listPodForAllNamespaces({ labelSelector });
    return list.items;
  }

  /** The Services of a namespace. */
  async listServices(namespace: string): Promise<V1Service[]> {
    const { CoreV1Api } = await clientNode();
    return (
      await this.kubeConfig
        .makeApiClient(CoreV1Api)
        .listNamespacedService({ namespace })
    ).items;
  }

  /** ReplicaSets of a namespace matching a label selector. */
  async listReplicaSets(
    namespace: string,
    labelSelector: string,
  ): Promise<V1ReplicaSet[]> {
    const { AppsV1Api } = await clientNode();
    return (
      await this.kubeConfig
        .makeApiClient(AppsV1Api)
        .listNamespacedReplicaSet({ namespace, labelSelector })
    ).items;
  }

  /** One Deployment by name, undefined when it does not exist. */
  async getDeployment(
    namespace: string,
    name: string,
  ): Promise<V1Deployment | undefined> {
    const { AppsV1Api } = await clientNode();
    return unlessNotFound(
      this.kubeConfig
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ namespace, name }),
    );
  }

  /**
   * The DaemonSets of a name in every namespace (a field selector, so only
   * they are sent), e.g. Istio's `ztunnel`, wherever it was installed.
   */
  async listDaemonSetsNamed(name: string): Promise<V1DaemonSet[]> {
    const { AppsV1Api } = await clientNode();
    return (
      await this.kubeConfig
        .makeApiClient(AppsV1Api)
        .listDaemonSetForAllNamespaces({
          fieldSelector: `metadata.name=${name}`,
        })
    ).items;
  }

  /**
   * The istiod Deployments: revision (`istio.io/rev`, `default` when
   * unlabelled), version (the image tag) and namespace.
   */
  async controlPlanes(): Promise<
    Array<{ revision: string; version?: string; namespace: string }>
  > {
    const { AppsV1Api } = await clientNode();
    const deployments = await this.kubeConfig
      .makeApiClient(AppsV1Api)
      .listDeploymentForAllNamespaces({ labelSelector: 'app=istiod' });
    return deployments.items.map(controlPlaneOf);
  }

  /**
   * The Istio control-plane revisions installed: those of istiod
   * Deployments and of sidecar-injector webhooks.
   */
  async istioRevisions(): Promise<string[]> {
    const { AdmissionregistrationV1Api } = await clientNode();
    const [planes, webhooks] = await Promise.all([
      this.controlPlanes(),
      this.kubeConfig
        .makeApiClient(AdmissionregistrationV1Api)
        .listMutatingWebhookConfiguration({ labelSelector: 'istio.io/rev' }),
    ]);
    const revisions = new Set(planes.map(p => p.revision));
    for (const w of webhooks.items) {
      const rev = w.metadata?.labels?.['istio.io/rev'];
      if (rev) {
        revisions.add(rev);
      }
    }
    return [...revisions].sort();
  }

  /** Sets annotations on one object (a JSON merge patch), e.g. `force-sync`. */
  async annotate(
    type: CustomResourceType,
    namespace: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void> {
    const { KubernetesObjectApi, PatchStrategy } = await clientNode();
    await KubernetesObjectApi.makeApiClient(this.kubeConfig).patch(
      {
        apiVersion: `${type.group}/${await this.versionOf(type)}`,
        kind: type.kind,
        metadata: { name, namespace, annotations },
      },
      undefined,
      undefined,
      MESHDECK_FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /**
   * Server-side apply with field manager `meshdeck`. Conflicts with other
   * field managers are reported as ConflictError unless `force` is set.
   */
  async apply(
    manifest: Manifest,
    options: { dryRun?: boolean; force?: boolean } = {},
  ): Promise<ApplyResult> {
    const { KubernetesObjectApi, PatchStrategy } = await clientNode();
    const api = KubernetesObjectApi.makeApiClient(this.kubeConfig);
    const ref = manifestRef(manifest);
    const header = {
      apiVersion: manifest.apiVersion,
      kind: manifest.kind,
      metadata: {
        name: manifest.metadata.name,
        namespace: manifest.metadata.namespace,
      },
    };
    const before = await unlessNotFound<Record<string, any>>(api.read(header));
    let after: Record<string, any>;
    try {
      after = await api.patch(
        manifest as any,
        undefined,
        options.dryRun ? 'All' : undefined,
        MESHDECK_FIELD_MANAGER,
        options.force ?? false,
        PatchStrategy.ServerSideApply,
      );
    } catch (e) {
      if (kubernetesErrorCode(e) === 409) {
        throw new ConflictError(
          `${ref}: ${kubernetesErrorMessage(
            e,
          )}. Another field manager owns these fields; re-run with force to take them over.`,
        );
      }
      throw e;
    }
    let outcome: ApplyResult['outcome'] = 'configured';
    if (!before) {
      outcome = 'created';
    } else if (contentOf(before) === contentOf(after)) {
      outcome = 'unchanged';
    }
    return { ref, outcome, dryRun: Boolean(options.dryRun) };
  }
}
