/*
 * The cluster and catalog `./run bench app` measures: for a size of N pods,
 * 200 namespaces labelled `meshdeck.io/bench=<N>` holding
 *
 * - `mdbench-<N>-shop`: the main entity `bench-checkout`, 50 injected pods
 *   (Running, ready) behind the Gateway of `mdbench-<N>-ingress` with a TLS
 *   secret and its ExternalSecret and a 90/10 canary VirtualService;
 * - `mdbench-<N>-fresh-<i>`: entities like it (50 pods each, no routes), one
 *   per "first answer" round, that nothing asks about before that round;
 * - `mdbench-<N>-user-<i>`: the 50 concurrent users' entities, 4 pods each;
 * - `mdbench-<N>-bg-<i>`: background only;
 *
 * and injected pods of no entity (Pending) spread over all of them but the
 * ingress namespace, to N pods in all. Every namespace is annotated
 * `meshdeck.io/bench-seeded` once complete, so a later run reuses the seed
 * and an interrupted one resumes it. Delete it with
 * `kubectl delete namespace -l meshdeck.io/bench=<N>` (or `-l meshdeck.io/bench`
 * for every size).
 */
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { createTestCertificate } from '@meshdeck/plugin-istio-node/testUtils';
import {
  CANARY_WEIGHTS,
  ignoreExisting,
  inBatches,
  injectedPod,
  markPodRunning,
  PodOwner,
  SeedClients,
  seedClients,
  seedEntityPods,
  seedFillerPods,
  seedMeshScene,
  serviceManifest,
} from './seed';

export const BENCH_LABEL = 'meshdeck.io/bench';
export const SEEDED_ANNOTATION = 'meshdeck.io/bench-seeded';
export const NAMESPACES = 200;
export const MAIN_PODS = 50;
export const FRESH_ENTITIES = 8;
export const FRESH_PODS = 50;
export const USER_ENTITIES = 50;
export const USER_PODS = 4;
/** Pods that belong to an entity; the rest of the size is background. */
export const ENTITY_POD_TOTAL =
  MAIN_PODS + FRESH_ENTITIES * FRESH_PODS + USER_ENTITIES * USER_PODS;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** One catalog entity of the scene and where its pods are. */
export type BenchEntity = {
  name: string;
  namespace: string;
  /** Its `backstage.io/kubernetes-id` (the pods' label). */
  app: string;
  pods: number;
};

/** The names of the scene of `size` pods. */
export class AppScene {
  readonly prefix: string;
  readonly ingress: string;
  readonly main: BenchEntity;
  readonly fresh: BenchEntity[];
  readonly users: BenchEntity[];
  readonly background: string[];
  readonly host = 'bench-checkout.bench.example';
  /** The main entity's pod whose sidecar the change test takes away. */
  readonly changedPod: string;

  constructor(readonly size: number) {
    if (size < ENTITY_POD_TOTAL + NAMESPACES) {
      throw new Error(
        `--pods must be at least ${ENTITY_POD_TOTAL + NAMESPACES}`,
      );
    }
    this.prefix = `mdbench-${size}`;
    this.ingress = `${this.prefix}-ingress`;
    this.main = {
      name: 'bench-checkout',
      namespace: `${this.prefix}-shop`,
      app: 'bench-checkout',
      pods: MAIN_PODS,
    };
    this.fresh = Array.from({ length: FRESH_ENTITIES }, (_, i) => ({
      name: `bench-fresh-${pad(i, 2)}`,
      namespace: `${this.prefix}-fresh-${pad(i, 2)}`,
      app: `bench-fresh-${pad(i, 2)}`,
      pods: FRESH_PODS,
    }));
    this.users = Array.from({ length: USER_ENTITIES }, (_, i) => ({
      name: `bench-user-${pad(i, 2)}`,
      namespace: `${this.prefix}-user-${pad(i, 2)}`,
      app: `bench-user-${pad(i, 2)}`,
      pods: USER_PODS,
    }));
    const taken = 2 + FRESH_ENTITIES + USER_ENTITIES;
    this.background = Array.from(
      { length: NAMESPACES - taken },
      (_, i) => `${this.prefix}-bg-${pad(i, 3)}`,
    );
    // the first pod of the v1 ReplicaSet (see seedEntityPods)
    this.changedPod = `${this.main.app}-v1-v1hash9-0`;
  }

  get entities(): BenchEntity[] {
    return [this.main, ...this.fresh, ...this.users];
  }

  /** Every namespace but the ingress one, where background pods go. */
  get podNamespaces(): string[] {
    return [
      this.main.namespace,
      ...this.fresh.map(e => e.namespace),
      ...this.users.map(e => e.namespace),
      ...this.background,
    ];
  }

  /** How many background pods `namespace` gets. */
  fillerPods(namespace: string): number {
    const namespaces = this.podNamespaces;
    const index = namespaces.indexOf(namespace);
    if (index < 0) {
      return 0;
    }
    const total = this.size - ENTITY_POD_TOTAL;
    const base = Math.floor(total / namespaces.length);
    return base + (index < total % namespaces.length ? 1 : 0);
  }

  /** The catalog file of the scene's entities (YAML documents). */
  catalogYaml(): string {
    return this.entities
      .map(e =>
        JSON.stringify({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: e.name,
            namespace: 'default',
            labels: { [BENCH_LABEL]: String(this.size) },
            annotations: {
              'backstage.io/kubernetes-id': e.app,
              'backstage.io/kubernetes-namespace': e.namespace,
            },
          },
          spec: {
            type: 'service',
            owner: 'team-bench',
            lifecycle: 'production',
          },
        }),
      )
      .map(doc => `---\n${doc}\n`)
      .join('');
  }
}

/** How many of the scene's namespaces exist and are complete. */
export async function seededNamespaces(
  clients: SeedClients,
  scene: AppScene,
): Promise<{ existing: number; complete: number }> {
  const list = await clients.core.listNamespace({
    labelSelector: `${BENCH_LABEL}=${scene.size}`,
  });
  return {
    existing: list.items.length,
    complete: list.items.filter(
      n => n.metadata?.annotations?.[SEEDED_ANNOTATION] === 'true',
    ).length,
  };
}

/**
 * Seeds the scene, skipping namespaces already complete; `log` gets
 * progress lines.
 */
export async function seedAppScene(
  kubeConfig: KubeConfig,
  scene: AppScene,
  log: (line: string) => void,
): Promise<void> {
  const clients = await seedClients(kubeConfig);
  const list = await clients.core.listNamespace({
    labelSelector: `${BENCH_LABEL}=${scene.size}`,
  });
  const complete = new Set(
    list.items
      .filter(n => n.metadata?.annotations?.[SEEDED_ANNOTATION] === 'true')
      .map(n => n.metadata!.name!),
  );

  /** Creates `name` (if missing), fills it with `fill` unless complete, marks it complete. */
  const namespace = async (
    name: string,
    mesh: boolean,
    fill: () => Promise<unknown>,
  ) => {
    if (complete.has(name)) {
      return;
    }
    await ignoreExisting(
      clients.core.createNamespace({
        body: {
          metadata: {
            name,
            labels: {
              [BENCH_LABEL]: String(scene.size),
              ...(mesh && { 'istio-injection': 'enabled' }),
            },
          },
        },
      }),
    );
    await fill();
    await clients.core.patchNamespace({
      name,
      body: [
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { [SEEDED_ANNOTATION]: 'true' },
        },
      ] as any,
    });
    complete.add(name);
  };
  const filler = (name: string) =>
    seedFillerPods(clients, {
      namespace: name,
      count: scene.fillerPods(name),
      batch: 25,
    });
  const entity = async (e: BenchEntity, withService: boolean) => {
    if (withService) {
      const { KubernetesObjectApi } = await import('@kubernetes/client-node');
      await ignoreExisting(
        KubernetesObjectApi.makeApiClient(kubeConfig).create(
          serviceManifest(e.namespace, e.app),
        ),
      );
    }
    await seedEntityPods(clients, {
      namespace: e.namespace,
      app: e.app,
      pods: e.pods,
      running: true,
      batch: 25,
    });
    await filler(e.namespace);
  };

  // the main entity first: its ingress namespace must exist before it
  await namespace(scene.ingress, false, async () => undefined);
  await namespace(scene.main.namespace, true, async () => {
    await seedMeshScene(clients, {
      namespace: scene.main.namespace,
      ingress: scene.ingress,
      app: scene.main.app,
      host: scene.host,
      certificate: await createTestCertificate({ sans: ['*.bench.example'] }),
    });
    await entity(scene.main, false);
  });
  log(`  ${scene.main.namespace}: the main entity and its gateway`);
  let done = 0;
  const rest: Array<[string, () => Promise<unknown>]> = [
    ...scene.fresh.map(
      e =>
        [e.namespace, () => entity(e, true)] as [
          string,
          () => Promise<unknown>,
        ],
    ),
    ...scene.users.map(
      e =>
        [e.namespace, () => entity(e, true)] as [
          string,
          () => Promise<unknown>,
        ],
    ),
    ...scene.background.map(
      n => [n, () => filler(n)] as [string, () => Promise<unknown>],
    ),
  ];
  await inBatches(rest, 4, async ([name, fill]) => {
    await namespace(name, true, fill);
    done++;
    if (done % 25 === 0 || done === rest.length) {
      log(`  ${done}/${rest.length} further namespaces`);
    }
  });
}

/**
 * Puts back what the change measurements alter, should an earlier run have
 * stopped half-way: the 90/10 canary and the changed pod with its sidecar.
 * What it had to repair, for the log.
 */
export async function repairAppScene(
  kubeConfig: KubeConfig,
  scene: AppScene,
): Promise<string[]> {
  const clients = await seedClients(kubeConfig);
  const repaired: string[] = [];
  if (
    (await canaryWeights(kubeConfig, scene)).join('/') !==
    CANARY_WEIGHTS.join('/')
  ) {
    await setCanaryWeights(kubeConfig, scene, CANARY_WEIGHTS);
    repaired.push('canary weights');
  }
  const pod = await clients.core
    .readNamespacedPod({
      name: scene.changedPod,
      namespace: scene.main.namespace,
    })
    .catch(() => undefined);
  if (!pod?.spec?.containers?.some(c => c.name === 'istio-proxy')) {
    await replaceChangedPod(kubeConfig, scene, true);
    repaired.push(`pod ${scene.changedPod}`);
  }
  return repaired;
}

async function customObjects(kubeConfig: KubeConfig) {
  const { CustomObjectsApi } = await import('@kubernetes/client-node');
  return kubeConfig.makeApiClient(CustomObjectsApi);
}

/** The main entity's canary weights (v1, v2) in the cluster. */
export async function canaryWeights(
  kubeConfig: KubeConfig,
  scene: AppScene,
): Promise<number[]> {
  const vs: any = await (
    await customObjects(kubeConfig)
  ).getNamespacedCustomObject({
    group: 'networking.istio.io',
    version: 'v1',
    namespace: scene.main.namespace,
    plural: 'virtualservices',
    name: scene.main.app,
  });
  return (vs.spec?.http?.[0]?.route ?? []).map((r: any) => r.weight);
}

/** Writes the canary weights (v1, v2). */
export async function setCanaryWeights(
  kubeConfig: KubeConfig,
  scene: AppScene,
  weights: [number, number],
): Promise<void> {
  await (
    await customObjects(kubeConfig)
  ).patchNamespacedCustomObject({
    group: 'networking.istio.io',
    version: 'v1',
    namespace: scene.main.namespace,
    plural: 'virtualservices',
    name: scene.main.app,
    body: weights.map((weight, i) => ({
      op: 'replace',
      path: `/spec/http/0/route/${i}/weight`,
      value: weight,
    })),
  });
}

/**
 * Deletes the main entity's pod `changedPod` and creates it again, with its
 * sidecar (and Running) or without. Resolves when the new pod is written;
 * the time the second write was sent is returned.
 */
export async function replaceChangedPod(
  kubeConfig: KubeConfig,
  scene: AppScene,
  sidecar: boolean,
): Promise<number> {
  const clients = await seedClients(kubeConfig);
  const { namespace } = scene.main;
  const name = scene.changedPod;
  await clients.core
    .deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
    .catch(() => undefined);
  // a pod on no node goes at once; wait until it has
  for (let i = 0; i < 100; i++) {
    const gone = await clients.core.readNamespacedPod({ name, namespace }).then(
      () => false,
      () => true,
    );
    if (gone) {
      break;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  const rs = await clients.apps.readNamespacedReplicaSet({
    name: `${scene.main.app}-v1-v1hash9`,
    namespace,
  });
  const owner: PodOwner = {
    name: rs.metadata!.name!,
    uid: rs.metadata!.uid!,
    labels: rs.spec!.template!.metadata!.labels!,
  };
  const body: V1Pod = injectedPod({
    name,
    labels: owner.labels,
    owner,
    sidecar,
  });
  const writtenAt = Date.now();
  await clients.core.createNamespacedPod({ namespace, body });
  await markPodRunning(clients, namespace, body);
  return writtenAt;
}

/**
 * Rotates the gateway certificate: a new key and certificate (new serial)
 * in the secret. Resolves with the time the write was sent.
 */
export async function rotateCertificate(
  kubeConfig: KubeConfig,
  scene: AppScene,
): Promise<number> {
  const clients = await seedClients(kubeConfig);
  const certificate = await createTestCertificate({
    sans: ['*.bench.example'],
  });
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const writtenAt = Date.now();
  await clients.core.patchNamespacedSecret({
    name: 'gw-cert',
    namespace: scene.ingress,
    body: [
      { op: 'replace', path: '/data/tls.crt', value: b64(certificate.certPem) },
      { op: 'replace', path: '/data/tls.key', value: b64(certificate.keyPem) },
    ] as any,
  });
  return writtenAt;
}
