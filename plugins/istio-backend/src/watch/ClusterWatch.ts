import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import { ZTUNNEL_DAEMONSET } from '@meshdeck/plugin-istio-common';
import {
  CustomResourceType,
  istioResources,
  TlsSecretCertificate,
  tlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import { getJson, KubeHttpError } from './kubeHttp';
import { ResourceWatch, WatchTiming } from './ResourceWatch';
import {
  trimConfigObject,
  trimDaemonSet,
  trimDeployment,
  trimNamespace,
  trimPod,
  trimReplicaSet,
  trimService,
} from './trimObjects';

type Raw = Record<string, any>;

/** The label istiod puts on the Deployment it runs a Gateway API Gateway in. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** At most this many gateway secrets are watched per cluster; more are read by name. */
export const MAX_WATCHED_SECRETS = 200;

/** An object's labels as index keys, `key=value`. */
export const labelKeys = (object: Raw): string[] =>
  Object.entries((object.metadata?.labels ?? {}) as Record<string, string>).map(
    ([k, v]) => `${k}=${v}`,
  );

/** `type` as the key of its watch: `plural.group`. */
export const typeKey = (type: CustomResourceType) =>
  `${type.plural}.${type.group}`;

/**
 * Everything Meshdeck keeps of one cluster by watching it: namespaces, the
 * mesh's Istio, Gateway API and external-secrets objects, istiod and the
 * Gateway API gateways' Deployments, the ztunnel DaemonSets, and — unless
 * `workloads` is off — every pod, Service and ReplicaSet, trimmed. Gateway
 * TLS secrets are watched one by one (get + watch by name, never listed)
 * from the first time one is asked for, and kept as public fields only.
 *
 * `version` counts changes: a status computed from these watches is still
 * right as long as it has not moved.
 */
export class ClusterWatch {
  readonly namespaces: ResourceWatch<Raw>;
  readonly pods?: ResourceWatch<Raw>;
  readonly services?: ResourceWatch<Raw>;
  readonly replicaSets?: ResourceWatch<Raw>;
  readonly istiod: ResourceWatch<Raw>;
  readonly gatewayDeployments: ResourceWatch<Raw>;
  readonly ztunnels: ResourceWatch<Raw>;
  /** The custom resources, by {@link typeKey}. */
  readonly objects = new Map<string, ResourceWatch<Raw>>();
  private readonly secrets = new Map<
    string,
    ResourceWatch<TlsSecretCertificate>
  >();
  private changes = 0;
  /** Changes not confined to one namespace's workloads (see `versionOf`). */
  private meshChanges = 0;
  /** Changes of pods, Services and ReplicaSets, per namespace. */
  private readonly workloadChanges = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly options: {
      cluster: string;
      /** The cluster's current credentials. */
      kubeConfig: () => Promise<KubeConfig>;
      /** Also watch pods, Services and ReplicaSets (default true). */
      workloads?: boolean;
      logger?: LoggerService;
      timing?: Partial<WatchTiming>;
    },
  ) {
    const watch = (
      description: string,
      path: string | (() => Promise<string | undefined>),
      trim: (o: any) => Raw | undefined,
      selectors: {
        labelSelector?: string;
        fieldSelector?: string;
        index?: (o: Raw) => string[];
        /** Pods, Services, ReplicaSets: changes counted per namespace. */
        workload?: boolean;
      } = {},
    ) =>
      new ResourceWatch<Raw>({
        description: `${description} of cluster '${options.cluster}'`,
        path,
        trim,
        labelSelector: selectors.labelSelector,
        fieldSelector: selectors.fieldSelector,
        index: selectors.index,
        kubeConfig: options.kubeConfig,
        logger: options.logger,
        timing: options.timing,
        onChange: namespace =>
          this.counted(selectors.workload ? namespace : undefined),
      });
    this.namespaces = watch('Namespaces', '/api/v1/namespaces', trimNamespace);
    if (options.workloads ?? true) {
      // by label: an entity's pods are found by its selector's labels
      this.pods = watch('Pods', '/api/v1/pods', trimPod, {
        index: labelKeys,
        workload: true,
      });
      this.services = watch('Services', '/api/v1/services', trimService, {
        workload: true,
      });
      this.replicaSets = watch(
        'ReplicaSets',
        '/apis/apps/v1/replicasets',
        trimReplicaSet,
        { index: labelKeys, workload: true },
      );
    }
    this.istiod = watch(
      'istiod Deployments',
      '/apis/apps/v1/deployments',
      trimDeployment,
      { labelSelector: 'app=istiod' },
    );
    this.gatewayDeployments = watch(
      'Gateway Deployments',
      '/apis/apps/v1/deployments',
      trimDeployment,
      { labelSelector: GATEWAY_NAME_LABEL },
    );
    this.ztunnels = watch(
      'ztunnel DaemonSets',
      '/apis/apps/v1/daemonsets',
      trimDaemonSet,
      { fieldSelector: `metadata.name=${ZTUNNEL_DAEMONSET}` },
    );
    for (const type of Object.values(istioResources)) {
      this.objects.set(
        typeKey(type),
        watch(
          `${type.kind}s (${type.group})`,
          () => this.pathOf(type),
          trimConfigObject,
        ),
      );
    }
  }

  /** Every collection watch of the cluster (not the per-secret ones). */
  get watches(): ResourceWatch<Raw>[] {
    return [
      this.namespaces,
      ...(this.pods ? [this.pods] : []),
      ...(this.services ? [this.services] : []),
      ...(this.replicaSets ? [this.replicaSets] : []),
      this.istiod,
      this.gatewayDeployments,
      this.ztunnels,
      ...this.objects.values(),
    ];
  }

  /**
   * Counts a change: of one namespace's workloads (pods, Services,
   * ReplicaSets), or — namespace undefined — of anything else or of any
   * namespace (a list).
   */
  private counted(workloadNamespace: string | undefined) {
    this.changes++;
    if (workloadNamespace === undefined) {
      this.meshChanges++;
    } else {
      this.workloadChanges.set(
        workloadNamespace,
        (this.workloadChanges.get(workloadNamespace) ?? 0) + 1,
      );
    }
  }

  /**
   * What the status of an entity in `namespace` depends on: that
   * namespace's workloads and everything cluster-wide (the mesh's objects,
   * namespaces, control planes, gateway secrets) — not the pods of other
   * namespaces, so a busy cluster does not invalidate every answer.
   */
  versionOf(namespace: string): string {
    return `${this.meshChanges}.${this.workloadChanges.get(namespace) ?? 0}`;
  }

  /** The number of changes seen so far; see the class comment. */
  get version(): number {
    return this.changes;
  }

  /**
   * The collection path of a custom resource at the most preferred version
   * the cluster serves (asked of its discovery before every list, so a CRD
   * installed later is found); undefined when it serves none.
   */
  private async pathOf(type: CustomResourceType): Promise<string | undefined> {
    let group: { versions?: Array<{ version: string }> };
    try {
      group = await getJson(
        await this.options.kubeConfig(),
        `/apis/${type.group}`,
        {},
        { idleMs: 30_000 },
      );
    } catch (e) {
      if (e instanceof KubeHttpError && e.code === 404) {
        return undefined;
      }
      throw e;
    }
    const served = (group.versions ?? []).map(v => v.version);
    const version = type.versions.find(v => served.includes(v));
    return version && `/apis/${type.group}/${version}/${type.plural}`;
  }

  start(): this {
    this.watches.forEach(w => w.start());
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([
      ...this.watches.map(w => w.stop()),
      ...[...this.secrets.values()].map(w => w.stop()),
    ]);
  }

  /** Resolves true when every collection has been listed within `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(
      this.watches.map(w => w.ready(timeoutMs)),
    );
    return results.every(Boolean);
  }

  /**
   * The watch of one gateway TLS secret, started the first time it is asked
   * for; undefined once {@link MAX_WATCHED_SECRETS} are watched (the caller
   * then reads it by name).
   */
  secret(
    namespace: string,
    name: string,
  ): ResourceWatch<TlsSecretCertificate> | undefined {
    const key = `${namespace}/${name}`;
    let watch = this.secrets.get(key);
    if (!watch && !this.stopped && this.secrets.size < MAX_WATCHED_SECRETS) {
      watch = new ResourceWatch<TlsSecretCertificate>({
        description: `Secret ${key} of cluster '${this.options.cluster}'`,
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
        name,
        // the public fields of tls.crt, nothing of the rest of the secret
        trim: tlsSecretCertificate,
        kubeConfig: this.options.kubeConfig,
        logger: this.options.logger,
        timing: this.options.timing,
        onChange: () => this.counted(undefined),
      }).start();
      this.secrets.set(key, watch);
    }
    return watch;
  }

  /** The secrets watched so far. */
  get watchedSecrets(): ResourceWatch<TlsSecretCertificate>[] {
    return [...this.secrets.values()];
  }
}
