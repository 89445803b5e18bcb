import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ACM_CERTIFICATE_ARN_ANNOTATION,
  ClusterError,
  ClusterStatus,
  Finding,
  jaegerSearchUrl,
  kialiDetailUrl,
  kialiGraphUrl,
  kialiIstioConfigUrl,
  MeshStatus,
  meshStatusSchema,
  NamespaceStatus,
  Verdict,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  istioResources,
  KubernetesObject,
  TlsSecretCertificate,
} from '@meshdeck/plugin-istio-node';
import { AcmCertificate, AcmReader } from '../acm/AcmReader';
import { ClusterReads } from './ClusterReads';
import {
  CertificateThresholds,
  certificateStatus,
} from '../status/certificates';
import { EntityTarget, entityTarget } from '../status/entityTarget';
import { assembleTraffic, entityServices } from '../status/traffic';
import { classifyClusterError, withTimeout } from '../status/errors';
import { effectiveMtls } from '../status/mtls';
import { namespaceFindings, namespaceStatus } from '../status/namespaces';
import {
  groupWorkloads,
  needsReplicaSetOwner,
  sidecarFindings,
} from '../status/sidecars';

/** What went wrong asking ACM, in the shape of a cluster error. */
function acmError(e: unknown): ClusterError {
  const name = (e as Error).name ?? '';
  let kind: ClusterError['kind'] = 'other';
  if (/Throttl/.test(name)) {
    kind = 'timeout';
  } else if (/AccessDenied|Unrecognized|Credentials/i.test(name)) {
    kind = 'forbidden';
  }
  return { source: 'acm', kind, message: `ACM: ${(e as Error).message}` };
}

/** The namespace of mesh-wide policies. */
const MESH_ROOT_NAMESPACE = 'istio-system';

function verdictOf(clusters: ClusterStatus[]): Verdict {
  const findings = clusters.flatMap(c => c.findings);
  if (findings.some(f => f.severity === 'error')) {
    return 'critical';
  }
  if (
    clusters.length === 0 ||
    clusters.every(c => c.errors.length > 0 && c.workloads.length === 0)
  ) {
    return 'unknown';
  }
  if (
    findings.some(f => f.severity === 'warning') ||
    clusters.some(c => c.errors.length > 0)
  ) {
    return 'warning';
  }
  return 'healthy';
}

/**
 * Assembles the mesh status of catalog entities from their clusters. Every
 * cluster is read in parallel with its own timeout; a failing cluster gives
 * an error entry, never a failed response.
 */
export class StatusService {
  constructor(
    private readonly options: {
      clusters: ClusterRegistry;
      timeoutMs: number;
      logger: LoggerService;
      thresholds?: CertificateThresholds;
      /** Shared by backend replicas when it is Redis/Valkey/memcache. */
      cache?: CacheService;
      cacheTtlMs?: number;
      /** ACM, when configured (`istio.acm`). */
      acm?: AcmReader;
    },
  ) {
    this.reads = new ClusterReads({
      clusters: options.clusters,
      ttlMs: options.cacheTtlMs ?? 30_000,
    });
  }

  /** Entity-independent cluster reads, shared by all entities for the TTL. */
  private readonly reads: ClusterReads;

  /** Answers being assembled right now, so concurrent requests share one. */
  private readonly inFlight = new Map<string, Promise<MeshStatus>>();

  /**
   * The entity's mesh status, from the cache when a fresh answer is there;
   * concurrent requests for the same entity share one set of cluster reads.
   * Callers check permissions first: the cache is keyed by entity only.
   */
  async statusFor(entity: Entity): Promise<MeshStatus> {
    const target = entityTarget(entity);
    const key = `status:${stringifyEntityRef(entity)}:${JSON.stringify(
      target ?? null,
    )}`;
    const { cache } = this.options;
    const cached = await cache?.get<MeshStatus>(key);
    if (cached) {
      const ageSeconds = Math.max(
        0,
        Math.round((Date.now() - Date.parse(cached.generatedAt)) / 1000),
      );
      return { ...cached, cache: { hit: true, ageSeconds } };
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.assemble(entity, target)
        .then(async status => {
          await cache?.set(key, status, {
            ttl: this.options.cacheTtlMs ?? 30_000,
          });
          return status;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async assemble(
    entity: Entity,
    target: EntityTarget | undefined,
  ): Promise<MeshStatus> {
    const { clusters } = this.options;
    const names = target
      ? clusters
          .list()
          .map(c => c.name)
          .filter(n => !target.cluster || n === target.cluster)
      : [];
    const results = target
      ? await Promise.all(names.map(name => this.clusterStatus(name, target)))
      : [];
    return meshStatusSchema.parse({
      entityRef: stringifyEntityRef(entity),
      verdict: verdictOf(results),
      generatedAt: new Date().toISOString(),
      clusters: results,
    });
  }

  /**
   * Asks external-secrets to re-sync now: sets `force-sync=<unix time>` on the
   * ExternalSecret. Returns the value set.
   */
  async forceSync(
    cluster: string,
    namespace: string,
    externalSecret: string,
  ): Promise<string> {
    const client = await this.reads.client(cluster);
    const value = Math.floor(Date.now() / 1000).toString();
    await client.annotate(
      istioResources.externalSecret,
      namespace,
      externalSecret,
      {
        'force-sync': value,
      },
    );
    this.reads.forget(cluster);
    return value;
  }

  private async clusterStatus(
    name: string,
    target: EntityTarget,
  ): Promise<ClusterStatus> {
    const empty: ClusterStatus = {
      name,
      title: this.options.clusters.get(name).title,
      controlPlane: [],
      namespaces: [],
      workloads: [],
      traffic: {
        gateways: [],
        virtualServices: [],
        destinationRules: [],
        authorizationPolicies: [],
      },
      certificates: [],
      topology: { nodes: [], edges: [] },
      findings: [],
      links: {},
      errors: [],
    };
    try {
      const read = await withTimeout(
        this.readCluster(name, target),
        this.options.timeoutMs,
        name,
      );
      for (const error of read.errors) {
        this.options.logger.warn(
          `Mesh status of cluster '${name}' is partial (${error.source}, ${error.kind}): ${error.message}`,
        );
      }
      return { ...empty, ...read };
    } catch (e) {
      const error = classifyClusterError(e);
      this.options.logger.warn(
        `Mesh status of cluster '${name}' failed (${error.kind}): ${error.message}`,
      );
      return { ...empty, errors: [error] };
    }
  }

  private async readCluster(
    name: string,
    target: EntityTarget,
  ): Promise<
    Omit<ClusterStatus, 'name' | 'title' | 'errors'> & {
      errors: ClusterError[];
    }
  > {
    const reads = this.reads;
    const client = await reads.client(name);
    // The pods decide everything else: when they cannot be read, the whole
    // cluster entry is an error. Any other read that fails becomes an error
    // of its own next to what could be read.
    const errors: ClusterError[] = [];
    const attempt = async <T>(
      what: string,
      read: () => Promise<T>,
      fallback: T,
    ): Promise<T> => {
      try {
        return await read();
      } catch (e) {
        const error = classifyClusterError(e);
        errors.push({ ...error, message: `${what}: ${error.message}` });
        return fallback;
      }
    };
    const [pods, controlPlane] = await Promise.all([
      client.listPods(target.namespace, target.labelSelector),
      attempt('istiod Deployments', () => reads.controlPlanes(name), []),
    ]);

    const namespaceNames = [
      ...new Set([
        ...(target.namespace ? [target.namespace] : []),
        ...pods.map(p => p.metadata?.namespace ?? ''),
      ]),
    ].sort();
    const namespaces = new Map<string, NamespaceStatus>();
    const replicaSetOwners = new Map<string, { kind: string; name: string }>();
    const inNamespaces = (objects: KubernetesObject[]) =>
      objects.filter(o => namespaceNames.includes(o.metadata.namespace ?? ''));
    const [
      peerAuthentications,
      virtualServices,
      gateways,
      destinationRules,
      authorizationPolicies,
      serviceLists,
    ] = await Promise.all([
      attempt(
        'PeerAuthentications',
        () => reads.list(name, istioResources.peerAuthentication),
        [],
      ),
      attempt(
        'VirtualServices',
        () => reads.list(name, istioResources.virtualService),
        [],
      ),
      attempt('Gateways', () => reads.list(name, istioResources.gateway), []),
      attempt(
        'DestinationRules',
        () => reads.list(name, istioResources.destinationRule),
        [],
      ).then(inNamespaces),
      attempt(
        'AuthorizationPolicies',
        () => reads.list(name, istioResources.authorizationPolicy),
        [],
      ).then(inNamespaces),
      Promise.all(
        namespaceNames.map(ns =>
          attempt(`Services in ${ns}`, () => client.listServices(ns), []),
        ),
      ),
      ...namespaceNames.map(async ns => {
        const object = await attempt(
          `Namespace ${ns}`,
          () => reads.namespace(name, ns),
          undefined,
        );
        if (object) {
          namespaces.set(ns, namespaceStatus(object));
        }
      }),
      // only ReplicaSets whose Deployment the names do not tell
      ...namespaceNames
        .filter(ns =>
          pods.some(
            p => p.metadata?.namespace === ns && needsReplicaSetOwner(p),
          ),
        )
        .map(async ns => {
          const replicaSets = await attempt(
            `ReplicaSets in ${ns}`,
            () => client.listReplicaSets(ns, target.labelSelector),
            [],
          );
          for (const rs of replicaSets) {
            const owner = rs.metadata?.ownerReferences?.find(o => o.controller);
            if (owner) {
              replicaSetOwners.set(`${ns}/${rs.metadata?.name}`, {
                kind: owner.kind,
                name: owner.name,
              });
            }
          }
        }),
    ]);
    const policiesIn = (ns: string) =>
      peerAuthentications.filter(p => p.metadata.namespace === ns);

    const podLabels = (w: { pods: Array<{ name: string }> }) =>
      pods.find(p => p.metadata?.name === w.pods[0]?.name)?.metadata?.labels ??
      {};
    const workloads = groupWorkloads(pods, namespaces, replicaSetOwners).map(
      w => ({
        ...w,
        mtls: effectiveMtls({
          namespace: w.namespace,
          workloadLabels: podLabels(w),
          namespacePolicies:
            w.namespace === MESH_ROOT_NAMESPACE ? [] : policiesIn(w.namespace),
          rootPolicies: policiesIn(MESH_ROOT_NAMESPACE),
        }),
      }),
    );

    const services = entityServices(
      serviceLists.flat(),
      pods.map(p => ({
        namespace: p.metadata?.namespace ?? '',
        labels: p.metadata?.labels ?? {},
      })),
      target.services,
    );
    const { traffic, topology, credentials } = assembleTraffic({
      services,
      virtualServices,
      gateways,
      destinationRules,
      authorizationPolicies,
      workloads: workloads.map(w => ({ ...w, labels: podLabels(w) })),
    });

    const certificateResults = await Promise.all(
      credentials.map(async credential => {
        const where = `${credential.namespace}/${credential.credentialName}`;
        const [tls, externalSecrets] = await Promise.all([
          attempt(
            `TLS secret ${where}`,
            () =>
              reads.tlsCertificate(
                name,
                credential.namespace,
                credential.credentialName,
              ),
            undefined,
          ),
          attempt(
            `ExternalSecrets in ${credential.namespace}`,
            () =>
              reads.list(
                name,
                istioResources.externalSecret,
                credential.namespace,
              ),
            [],
          ),
        ]);
        if (!tls) {
          return undefined; // unreadable: reported in errors, no verdict
        }
        const owner = externalSecrets.find(
          es =>
            (es.spec?.target?.name ?? es.metadata.name) ===
            credential.credentialName,
        );
        const { acm, error } = await this.acmFor(credential.hosts, tls, owner);
        if (error) {
          errors.push(error);
        }
        return certificateStatus(
          credential,
          tls,
          owner,
          this.options.thresholds,
          acm,
        );
      }),
    ).then(results => results.flatMap(r => (r ? [r] : [])));

    const findings: Finding[] = [
      ...[...namespaces.values()].flatMap(namespaceFindings),
      ...sidecarFindings(
        workloads,
        controlPlane.flatMap(c => (c.version ? [c.version] : [])),
      ),
      ...certificateResults.flatMap(r => r.findings),
    ];

    const { kiali, jaeger } = this.options.clusters.meshSettings(name);
    const links: ClusterStatus['links'] = {};
    if (kiali && namespaceNames.length > 0) {
      links.kialiGraph = kialiGraphUrl({
        ...kiali,
        namespaces: namespaceNames,
      });
      links.kialiWorkloads = Object.fromEntries(
        workloads.map(w => [
          `${w.namespace}/${w.name}`,
          kialiDetailUrl({
            ...kiali,
            namespace: w.namespace,
            kind: 'workloads',
            name: w.name,
          }),
        ]),
      );
      links.kialiServices = Object.fromEntries(
        services.map(svc => [
          `${svc.metadata?.namespace}/${svc.metadata?.name}`,
          kialiDetailUrl({
            ...kiali,
            namespace: svc.metadata?.namespace ?? '',
            kind: 'services',
            name: svc.metadata?.name ?? '',
          }),
        ]),
      );
      const shown = new Set(
        [
          ...traffic.gateways,
          ...traffic.virtualServices,
          ...traffic.destinationRules,
          ...traffic.authorizationPolicies,
        ].map(o => o.ref),
      );
      links.kialiConfig = Object.fromEntries(
        [
          ...gateways,
          ...virtualServices,
          ...destinationRules,
          ...authorizationPolicies,
        ]
          .filter(o => shown.has(`${o.metadata.namespace}/${o.metadata.name}`))
          .map(o => [
            `${o.kind}:${o.metadata.namespace}/${o.metadata.name}`,
            kialiIstioConfigUrl({
              ...kiali,
              namespace: o.metadata.namespace ?? '',
              apiVersion: o.apiVersion,
              kind: o.kind,
              name: o.metadata.name,
            }),
          ]),
      );
    }
    if (jaeger && target.app) {
      links.jaeger = Object.fromEntries(
        namespaceNames.map(ns => [
          ns,
          jaegerSearchUrl({
            baseUrl: jaeger.baseUrl,
            app: target.app!,
            namespace: ns,
          }),
        ]),
      );
    }

    return {
      controlPlane,
      namespaces: namespaceNames.flatMap(n => {
        const s = namespaces.get(n);
        return s ? [s] : [];
      }),
      workloads,
      traffic,
      certificates: certificateResults.map(r => r.status),
      topology,
      findings,
      links,
      errors,
    };
  }

  /**
   * The ACM certificate behind a gateway secret: by the ARN annotation on the
   * secret or its ExternalSecret, an ACM ARN the ExternalSecret reads, or the
   * issued certificate whose names cover the hosts.
   */
  private async acmFor(
    hosts: string[],
    tls: TlsSecretCertificate,
    externalSecret: KubernetesObject | undefined,
  ): Promise<{ acm?: AcmCertificate; error?: ClusterError }> {
    const reader = this.options.acm;
    if (!reader) {
      return {};
    }
    try {
      const remoteKeys: string[] = (externalSecret?.spec?.data ?? []).map(
        (d: any) => String(d.remoteRef?.key ?? ''),
      );
      const arn =
        (tls.exists ? tls.acmArn : undefined) ??
        externalSecret?.metadata.annotations?.[
          ACM_CERTIFICATE_ARN_ANNOTATION
        ] ??
        remoteKeys.find(k => k.startsWith('arn:aws:acm:')) ??
        (await reader.findCovering(hosts));
      return arn ? { acm: await reader.describe(arn) } : {};
    } catch (e) {
      return { error: acmError(e) };
    }
  }
}
