import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  V1Namespace,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import type { DaemonSetObject } from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  controlPlaneOf,
  CustomResourceType,
  istioResources,
  KubernetesObject,
} from '@meshdeck/plugin-istio-node';
import type {
  ClusterMeshReads,
  ControlPlane,
  DeploymentObject,
  MeshReads,
} from '../service/MeshReads';
import { ClusterWatch, typeKey } from './ClusterWatch';
import {
  LabelSelector,
  matchesLabels,
  parseLabelSelector,
} from './labelSelector';
import { inListOrder } from './listOrder';
import { ResourceWatch, WatchTiming } from './ResourceWatch';

type Raw = Record<string, any>;

/** How long a read waits for a gateway secret's first get before reading it by name. */
const SECRET_FIRST_READ_MS = 2_000;

/**
 * The mesh reads from each cluster's watch-fed cache ({@link ClusterWatch}):
 * a read whose collection is listed and watched is answered from memory —
 * no request to the API server, and whatever changed in the cluster is
 * already there — and any other read (a collection still being listed, a
 * watch lost for longer than its `staleAfterMs`, a Deployment that is not a
 * gateway's) goes to `fallback`, the request-driven reads kept per TTL.
 *
 * {@link WatchedReads.version} tells the status when a cluster is answered
 * wholly from watches, so it can keep an answer exactly as long as nothing
 * changed instead of for a TTL.
 */
export class WatchedReads implements MeshReads {
  private readonly watches = new Map<string, ClusterWatch>();
  private readonly selectors = new Map<string, LabelSelector>();

  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      fallback: MeshReads;
      /** Also keep pods, Services and ReplicaSets (default true). */
      workloads?: boolean;
      logger?: LoggerService;
      timing?: Partial<WatchTiming>;
    },
  ) {}

  /** Starts watching every configured cluster (or those named). */
  start(names?: string[]): this {
    const { clusters } = this.options;
    for (const name of names ?? clusters.list().map(c => c.name)) {
      if (!this.watches.has(name)) {
        this.watches.set(
          name,
          new ClusterWatch({
            cluster: name,
            kubeConfig: () => clusters.kubeConfig(name),
            workloads: this.options.workloads,
            logger: this.options.logger,
            timing: this.options.timing,
          }).start(),
        );
      }
    }
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map(w => w.stop()));
    this.watches.clear();
  }

  /** The watches of a cluster, for health reports, tests and benchmarks. */
  watchOf(name: string): ClusterWatch | undefined {
    return this.watches.get(name);
  }

  /** Resolves true when every cluster's collections are listed within `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(
      [...this.watches.values()].map(w => w.ready(timeoutMs)),
    );
    return results.every(Boolean);
  }

  /**
   * A value that changes whenever anything watched in the cluster changes —
   * with `namespace`, anything but the workloads of other namespaces — when
   * every read of the status is served from fresh watches; undefined
   * otherwise (then answers are kept for the TTL as before).
   */
  version(name: string, namespace?: string): string | undefined {
    const watch = this.watches.get(name);
    if (!watch || !(this.options.workloads ?? true)) {
      return undefined;
    }
    if (!watch.watches.every(w => w.fresh)) {
      return undefined;
    }
    // an entity confined to a namespace depends on its workloads only there
    return namespace === undefined
      ? `w${watch.version}`
      : `w${watch.versionOf(namespace)}`;
  }

  private selector(text: string): LabelSelector {
    let parsed = this.selectors.get(text);
    if (!parsed) {
      parsed = parseLabelSelector(text);
      if (this.selectors.size > 1000) {
        this.selectors.clear();
      }
      this.selectors.set(text, parsed);
    }
    return parsed;
  }

  private matching(
    watch: ResourceWatch<Raw>,
    namespace: string | undefined,
    labelSelector: string,
  ): Raw[] {
    const selector = this.selector(labelSelector);
    // start from the smallest set a `key=value` of the selector names, when
    // the collection is indexed by label; else from the namespace or all
    const [smallest] = selector.equalities
      .map(([k, v]) => `${k}=${v}`)
      .sort((a, b) => watch.indexedCount(a) - watch.indexedCount(b));
    const candidates =
      (smallest !== undefined ? watch.indexed(smallest) : undefined) ??
      (namespace === undefined ? watch.all() : watch.inNamespace(namespace));
    const found: Raw[] = [];
    for (const o of candidates) {
      if (
        (namespace === undefined || o.metadata?.namespace === namespace) &&
        matchesLabels(selector, o.metadata?.labels)
      ) {
        found.push(o);
      }
    }
    return inListOrder(found);
  }

  cluster(name: string, generation: string): ClusterMeshReads {
    const fallback = () => this.options.fallback.cluster(name, generation);
    const cw = this.watches.get(name);
    /** From memory when `watch` is fresh, else from the fallback reads. */
    const from = <T>(
      watch: ResourceWatch<any> | undefined,
      answer: (w: ResourceWatch<any>) => T,
      otherwise: () => Promise<T>,
    ): Promise<T> =>
      watch?.fresh ? Promise.resolve(answer(watch)) : otherwise();
    const objects = (type: CustomResourceType) =>
      cw?.objects.get(typeKey(type));
    return {
      pods: (namespace, labelSelector) =>
        from(
          cw?.pods,
          w => this.matching(w, namespace, labelSelector) as V1Pod[],
          () => fallback().pods(namespace, labelSelector),
        ),
      services: namespace =>
        from(
          cw?.services,
          w => inListOrder(w.inNamespace(namespace)) as V1Service[],
          () => fallback().services(namespace),
        ),
      replicaSets: (namespace, labelSelector) =>
        from(
          cw?.replicaSets,
          w => this.matching(w, namespace, labelSelector) as V1ReplicaSet[],
          () => fallback().replicaSets(namespace, labelSelector),
        ),
      namespace: ns =>
        from(
          cw?.namespaces,
          w => w.get('', ns) as V1Namespace | undefined,
          () => fallback().namespace(ns),
        ),
      controlPlanes: () =>
        from(
          cw?.istiod,
          w => [...w.all()].map(controlPlaneOf) as ControlPlane[],
          () => fallback().controlPlanes(),
        ),
      istioObjects: type =>
        from(
          objects(type),
          w => w.listed() as KubernetesObject[],
          () => fallback().istioObjects(type),
        ),
      tlsCertificate: async (namespace, secret) => {
        const watch = cw?.secret(namespace, secret);
        if (watch && !watch.fresh) {
          await watch.ready(SECRET_FIRST_READ_MS);
        }
        return from(
          watch,
          w => w.get(namespace, secret) ?? { exists: false },
          () => fallback().tlsCertificate(namespace, secret),
        );
      },
      externalSecrets: namespace =>
        from(
          objects(istioResources.externalSecret),
          w => inListOrder(w.inNamespace(namespace)) as KubernetesObject[],
          () => fallback().externalSecrets(namespace),
        ),
      ztunnels: () =>
        from(
          cw?.ztunnels,
          w => [...w.all()] as DaemonSetObject[],
          () => fallback().ztunnels(),
        ),
      // a gateway's Deployment when istiod made it (labelled); any other
      // Deployment by name
      deployment: (namespace, deployment) => {
        const kept = cw?.gatewayDeployments.fresh
          ? (cw.gatewayDeployments.get(namespace, deployment) as
              | DeploymentObject
              | undefined)
          : undefined;
        return kept
          ? Promise.resolve(kept)
          : fallback().deployment(namespace, deployment);
      },
      namespaces: () =>
        from(
          cw?.namespaces,
          w => w.listed() as V1Namespace[],
          () => fallback().namespaces(),
        ),
      allServices: () =>
        from(
          cw?.services,
          w => w.listed() as V1Service[],
          () => fallback().allServices(),
        ),
      allPods: () =>
        from(
          cw?.pods,
          w => [...w.all()] as V1Pod[],
          () => fallback().allPods(),
        ),
    };
  }
}
