import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { MeshStatus } from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  kubernetesAppConfig,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  FaultProxy,
  startFaultProxy,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { exposedService } from '../__testUtils__/exposedService';
import { memoryCache } from '../__testUtils__/memoryCache';
import { ClusterGenerations } from '../service/ClusterGenerations';
import { ClusterReads } from '../service/ClusterReads';
import { StatusService } from '../service/StatusService';
import { WatchTiming } from './ResourceWatch';
import { WatchedReads } from './WatchedReads';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';
/** In the gateway secret next to tls.crt: must never reach an answer or memory. */
const MARKER = 'MESHDECK-SECRET-MARKER-watch-5c1e';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Short enough that a hanging watch is cut and renewed within a test. */
const TIMING: Partial<WatchTiming> = {
  watchSeconds: 20,
  idleMs: 3_000,
  backoffMs: 100,
  maxBackoffMs: 1_000,
  staleAfterMs: 3_000,
  unservedRecheckMs: 2_000,
};

/** Waits until `check` holds, polling; how long it took. */
async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await sleep(25);
  }
  return Date.now() - started;
}

/** A status without what differs between two computations of it. */
const comparable = (s: MeshStatus) => {
  const { generatedAt, cache, ...rest } = s as MeshStatus & {
    cache?: unknown;
  };
  void generatedAt;
  void cache;
  return rest;
};

describeWithCluster('the watch-fed cache against the test cluster', cluster => {
  let proxy: FaultProxy;
  let clusters: ClusterRegistry;
  let watched: WatchedReads;
  let viaWatches: StatusService;
  let onRequest: StatusService;
  let entity: Entity;
  let ingress: string;
  let core: any;
  let custom: any;
  /** A line from the middle of the gateway certificate's private key. */
  let certificateKeyBody: string;
  /** A piece of the secret's tls.key as the API server sends it (base64). */
  let certificateKeyData: string;

  const clusterName = 'testbed';
  const podBody = (name: string, proxyContainer: boolean) => ({
    metadata: {
      name,
      labels: { app: 'checkout', 'backstage.io/kubernetes-id': 'checkout' },
      annotations: proxyContainer
        ? {
            'sidecar.istio.io/status': JSON.stringify({
              initContainers: ['istio-init'],
              containers: ['istio-proxy'],
              volumes: [],
              imagePullSecrets: null,
              revision: 'default',
            }),
          }
        : {},
    },
    spec: {
      containers: [
        { name: 'app', image: 'shop/checkout:2' },
        ...(proxyContainer
          ? [{ name: 'istio-proxy', image: PROXY_IMAGE }]
          : []),
      ],
    },
  });

  beforeAll(async () => {
    const { kubeConfig, namespace } = cluster();
    const { AppsV1Api, CoreV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    core = kubeConfig.makeApiClient(CoreV1Api);
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const apps = kubeConfig.makeApiClient(AppsV1Api);

    // the mesh: istiod, an injection-labelled namespace with two injected
    // pods, Services, a gateway with its certificate and a 90/10 canary
    const cp = await cluster().extraNamespace('cp', true);
    await apps.createNamespacedDeployment({
      namespace: cp,
      body: {
        metadata: { name: 'istiod', labels: { app: 'istiod' } },
        spec: {
          selector: { matchLabels: { app: 'istiod' } },
          template: {
            metadata: { labels: { app: 'istiod' } },
            spec: {
              containers: [
                { name: 'discovery', image: 'docker.io/istio/pilot:1.30.3' },
              ],
            },
          },
        },
      },
    });
    await core.patchNamespace({
      name: namespace,
      body: [
        {
          op: 'add',
          path: '/metadata/labels/istio-injection',
          value: 'enabled',
        },
      ],
    });
    for (const name of ['checkout-a', 'checkout-b']) {
      await core.createNamespacedPod({ namespace, body: podBody(name, true) });
    }
    for (const name of ['checkout', 'checkout-canary']) {
      await core.createNamespacedService({
        namespace,
        body: {
          metadata: { name },
          spec: { selector: { app: 'checkout' }, ports: [{ port: 80 }] },
        },
      });
    }
    ingress = await cluster().extraNamespace('ingress', true);
    const certificate = await createTestCertificate({
      sans: ['*.watch.example'],
      validForDays: 40,
    });
    certificateKeyBody = certificate.keyPem.split('\n')[2];
    certificateKeyData = Buffer.from(certificate.keyPem)
      .toString('base64')
      .slice(40, 100);
    await createObjects(
      kubeConfig,
      tlsSecretManifest(ingress, 'watch-cert', certificate, { note: MARKER }),
      ...exposedService({
        gatewayNamespace: ingress,
        gatewayHosts: ['*.watch.example'],
        credentialName: 'watch-cert',
        namespace,
        service: 'checkout',
        host: 'checkout.watch.example',
        routes: [
          {
            destinations: [
              { host: 'checkout', weight: 90 },
              { host: 'checkout-canary', weight: 10 },
            ],
          },
        ],
      }),
    );

    entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        annotations: {
          'backstage.io/kubernetes-id': 'checkout',
          'backstage.io/kubernetes-namespace': namespace,
        },
      },
      spec: {},
    };

    proxy = await startFaultProxy({ kubeConfig });
    clusters = ClusterRegistry.fromConfig(
      new ConfigReader({
        kubernetes: kubernetesAppConfig([proxy.clusterConfig(clusterName)]),
      }),
    );
    const logger = mockServices.logger.mock();
    const kept = new ClusterReads({ clusters, ttlMs: 30_000 });
    watched = new WatchedReads({
      clusters,
      fallback: kept,
      logger,
      timing: TIMING,
    }).start();
    viaWatches = new StatusService({
      clusters,
      timeoutMs: 5_000,
      logger,
      cache: memoryCache(),
      reads: watched,
    });
    // the same status, read on request (ClusterReads, no TTL kept)
    onRequest = new StatusService({
      clusters,
      timeoutMs: 5_000,
      logger,
      reads: new ClusterReads({ clusters, ttlMs: 0 }),
    });
    if (!(await watched.ready(20_000))) {
      throw new Error('the watches did not list the test cluster in 20 s');
    }
  });

  afterAll(async () => {
    await watched?.stop();
    await proxy?.close();
  });

  it('answers exactly as the reads on request do, and from memory only', async () => {
    const first = await viaWatches.statusFor(entity);
    const fresh = await onRequest.statusFor(entity);
    expect(comparable(first)).toEqual(comparable(fresh));
    expect(first.clusters[0].errors).toEqual([]);
    expect(first.clusters[0].workloads.flatMap(w => w.pods)).toHaveLength(2);
    expect(
      first.clusters[0].certificates[0]?.certificate?.serial,
    ).toBeDefined();

    // the secret's other keys (tls.key, the marker) are in neither the
    // answer nor what the watch keeps
    const kept = JSON.stringify(
      watched.watchOf(clusterName)!.watchedSecrets.map(w => w.listed()),
    );
    expect(kept).toContain('serial');
    for (const text of [JSON.stringify(first), kept]) {
      expect(text).not.toContain(MARKER);
      expect(text).not.toContain(Buffer.from(MARKER).toString('base64'));
      expect(text).not.toContain(certificateKeyBody);
      expect(text).not.toContain(certificateKeyData);
    }

    // once the gateway secret's watch runs, nothing is read on request
    await until(
      'the secret watch',
      () => watched.version(clusterName) !== undefined,
    );
    const before = proxy.count({ watch: false });
    for (let i = 0; i < 20; i++) {
      await viaWatches.statusFor(entity);
    }
    expect(proxy.count({ watch: false }) - before).toBe(0);

    // a pod of another namespace changing keeps the answer (the entity is
    // confined to its namespace); one of its own namespace renews it
    const { namespace } = cluster();
    const elsewhere = await cluster().extraNamespace('elsewhere', true);
    // a new namespace is a cluster-wide change: let it arrive first
    await until(
      'the new namespace',
      () =>
        watched.watchOf(clusterName)!.namespaces.get('', elsewhere) !==
        undefined,
    );
    const version = watched.version(clusterName, namespace);
    await viaWatches.statusFor(entity); // kept under this version
    await core.createNamespacedPod({
      namespace: elsewhere,
      body: podBody('unrelated', false),
    });
    await until('the unrelated pod', () =>
      [...watched.watchOf(clusterName)!.pods!.inNamespace(elsewhere)].some(
        p => p.metadata.name === 'unrelated',
      ),
    );
    expect(watched.version(clusterName)).not.toBeUndefined();
    expect(watched.version(clusterName, namespace)).toBe(version);
    expect((await viaWatches.statusFor(entity)).cache?.hit).toBe(true);
    await core.createNamespacedPod({
      namespace,
      body: podBody('checkout-z', false),
    });
    await until(
      'the entity namespace to move',
      () => watched.version(clusterName, namespace) !== version,
    );
    const renewed = await viaWatches.statusFor(entity);
    expect(renewed.cache?.hit).toBeFalsy();
    expect(renewed.clusters[0].workloads.flatMap(w => w.pods)).toHaveLength(3);
    await core.deleteNamespacedPod({
      namespace,
      name: 'checkout-z',
      gracePeriodSeconds: 0,
    });
    await until(
      'checkout-z gone',
      async () =>
        (
          await viaWatches.statusFor(entity)
        ).clusters[0].workloads.flatMap(w => w.pods).length === 2,
    );
  });

  it('shows a change in the cluster within 2 s: a canary weight, a sidecar gone, a certificate rotated', async () => {
    const { namespace } = cluster();
    const weights = async () =>
      (await viaWatches.statusFor(entity)).clusters[0].traffic.virtualServices
        .flatMap(v => v.routes)
        .flatMap(r => r.destinations)
        .map(d => d.weight);
    // a canary weight: 90/10 -> 50/50
    await viaWatches.statusFor(entity);
    const vs = await custom.getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace,
      plural: 'virtualservices',
      name: 'checkout',
    });
    vs.spec.http[0].route[0].weight = 50;
    vs.spec.http[0].route[1].weight = 50;
    const weightWritten = Date.now();
    await custom.replaceNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace,
      plural: 'virtualservices',
      name: 'checkout',
      body: vs,
    });
    await until(
      'the new weights',
      async () => JSON.stringify(await weights()) === JSON.stringify([50, 50]),
    );
    expect(Date.now() - weightWritten).toBeLessThan(2_000);

    // a pod without its sidecar replaces one with it
    const proxies = async () =>
      (await viaWatches.statusFor(entity)).clusters[0].workloads
        .flatMap(w => w.pods)
        .filter(p => p.sidecar.injected).length;
    expect(await proxies()).toBe(2);
    const podWritten = Date.now();
    await core.deleteNamespacedPod({
      namespace,
      name: 'checkout-b',
      gracePeriodSeconds: 0,
    });
    await core.createNamespacedPod({
      namespace,
      body: podBody('checkout-c', false),
    });
    await until(
      'the pod without a sidecar',
      async () => (await proxies()) === 1,
    );
    expect(Date.now() - podWritten).toBeLessThan(2_000);

    // a rotated certificate: a new serial in the same secret
    const serial = async () =>
      (await viaWatches.statusFor(entity)).clusters[0].certificates?.[0]
        ?.certificate?.serial;
    const old = await serial();
    expect(old).toBeDefined();
    const rotated = await createTestCertificate({
      sans: ['*.watch.example'],
      validForDays: 90,
    });
    const certWritten = Date.now();
    await core.replaceNamespacedSecret({
      namespace: ingress,
      name: 'watch-cert',
      body: tlsSecretManifest(ingress, 'watch-cert', rotated),
    });
    await until(
      'the rotated certificate',
      async () => (await serial()) !== old,
    );
    expect(Date.now() - certWritten).toBeLessThan(2_000);
  });

  it('re-lists after a 410 Gone and recovers by itself from a hanging watch, a cut stream and failing lists', async () => {
    const { namespace } = cluster();
    const pods = watched.watchOf(clusterName)!.pods!;
    const podNames = async () =>
      (await viaWatches.statusFor(entity)).clusters[0].workloads
        .flatMap(w => w.pods)
        .map(p => p.name)
        .sort();

    // 410 in the stream: the watch lists again and goes on
    const relists = pods.counts.relists;
    proxy.inject({
      match: { watch: true, path: /\/pods$/ },
      fault: { kind: 'gone', as: 'event' },
      times: 1,
    });
    proxy.resetOpen({ watch: true, path: /\/pods$/ });
    await until('a re-list after 410', () => pods.counts.relists > relists);
    await core.createNamespacedPod({
      namespace,
      body: podBody('checkout-d', true),
    });
    await until('the pod after the re-list', async () =>
      (await podNames()).includes('checkout-d'),
    );

    // a watch that hangs: cut after idleMs, renewed, and changes show again
    proxy.clear();
    proxy.inject({
      match: { watch: true, path: /\/pods$/ },
      fault: { kind: 'hang' },
    });
    proxy.resetOpen({ watch: true, path: /\/pods$/ });
    await sleep(500);
    await core.deleteNamespacedPod({
      namespace,
      name: 'checkout-d',
      gracePeriodSeconds: 0,
    });
    proxy.clear();
    await until(
      'the deletion after the hang',
      async () => !(await podNames()).includes('checkout-d'),
      TIMING.idleMs! + 5_000,
    );

    // a stream cut mid-way and lists failing with 500 for a while
    proxy.inject({
      match: { watch: false, path: /\/pods$/ },
      fault: { kind: 'status', status: 500 },
      times: 3,
    });
    proxy.inject({
      match: { watch: true, path: /\/pods$/ },
      fault: { kind: 'resetMidStream' },
      times: 2,
    });
    proxy.resetOpen({ watch: true, path: /\/pods$/ });
    await core.createNamespacedPod({
      namespace,
      body: podBody('checkout-e', true),
    });
    await until('the pod after cuts and failing lists', async () =>
      (await podNames()).includes('checkout-e'),
    );
    proxy.clear();
    await until(
      'all watches fresh again',
      () => watched.version(clusterName) !== undefined,
    );
    expect(comparable(await viaWatches.statusFor(entity))).toEqual(
      comparable(await onRequest.statusFor(entity)),
    );
  });

  it('falls back to reads on request while a collection cannot be watched, with the read error in the status', async () => {
    const pods = watched.watchOf(clusterName)!.pods!;
    // every pod list and watch fails: after staleAfterMs the kept pods are
    // not used any more, and the status says why
    proxy.inject({
      match: { path: /\/pods$/ },
      fault: { kind: 'status', status: 503 },
    });
    proxy.resetOpen({ watch: true, path: /\/pods$/ });
    await until(
      'the pods watch to go stale',
      () => !pods.fresh,
      TIMING.staleAfterMs! + 5_000,
    );
    expect(watched.version(clusterName)).toBeUndefined();
    // under a generation nothing was kept under yet: neither an answer nor a
    // read that an earlier test made while a watch re-listed (in a cluster of
    // thousands of pods re-listing takes long enough for that) stands in for
    // the read the fallback makes now
    const generations = new ClusterGenerations(memoryCache());
    await generations.bump(clusterName);
    const afresh = new StatusService({
      clusters,
      timeoutMs: 5_000,
      logger: mockServices.logger.mock(),
      reads: watched,
      generations,
    });
    const status = await afresh.statusFor(entity);
    expect(status.clusters[0].errors.map(e => e.message).join(' ')).toMatch(
      /503|Service Unavailable|unavailable/i,
    );
    proxy.clear();
    await until('the pods watch to recover', () => pods.fresh, 10_000);
    expect((await afresh.statusFor(entity)).clusters[0].errors).toEqual([]);
  });
});
