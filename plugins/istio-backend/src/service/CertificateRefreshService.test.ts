import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { memoryCache } from '../__testUtils__/memoryCache';
import { CertificateRefreshService } from './CertificateRefreshService';
import { ClusterReads } from './ClusterReads';
import { ClusterGenerations } from './ClusterGenerations';
import {
  FakeCluster,
  FakeMeshReads,
  fakeRegistry,
  shopCluster,
} from './MeshReads.fake';
import { MeshReads } from './MeshReads';
import { StatusService } from './StatusService';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
};

const ref = {
  cluster: 'east',
  namespace: 'istio-ingress',
  externalSecret: 'shop-cert-sync',
};

/** The shop with its certificate's ExternalSecret failing to sync. */
function failingShop(): FakeCluster {
  const cluster = shopCluster();
  const es = cluster.objects!.find(o => o.kind === 'ExternalSecret')!;
  es.status = {
    conditions: [
      { type: 'Ready', status: 'False', reason: 'SecretSyncedError' },
    ],
  };
  return cluster;
}

/** external-secrets did its work: the ExternalSecret is ready again. */
function synced(cluster: FakeCluster) {
  const es = cluster.objects!.find(o => o.kind === 'ExternalSecret')!;
  es.status = { conditions: [{ type: 'Ready', status: 'True' }] };
  const tls = cluster.tlsCertificates!['istio-ingress/shop-cert'];
  if (tls.exists && tls.certificate) {
    tls.certificate.serial = '02';
  }
}

/**
 * One backend replica: its own status service, cluster reads and refresh,
 * sharing only `cache` (Redis in production) with the other replicas.
 * `reads` is either the fake itself or a real `ClusterReads` (with its TTL
 * memo) over the fake's clients.
 */
function replica(fake: FakeMeshReads, cache: CacheService, memoized: boolean) {
  const clusters = fakeRegistry('east');
  jest
    .spyOn(clusters, 'client')
    .mockImplementation(async name => fake.client(name));
  const clusterReads = new ClusterReads({ clusters, ttlMs: 60_000 });
  const reads: MeshReads = memoized ? clusterReads : fake;
  const generations = new ClusterGenerations(cache);
  const status = new StatusService({
    clusters,
    timeoutMs: 10_000,
    logger: mockServices.logger.mock(),
    cache,
    cacheTtlMs: 60_000,
    reads,
    generations,
  });
  const refresh = new CertificateRefreshService({
    clusters,
    status,
    generations,
    reads: clusterReads,
  });
  return { status, refresh };
}

describe('CertificateRefreshService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('force-syncs the ExternalSecret of one of the entity certificates', async () => {
    const fake = new FakeMeshReads({ east: failingShop() });
    const { refresh } = replica(fake, memoryCache(), false);
    const before = Math.floor(Date.now() / 1000);
    const { forceSync } = await refresh.refresh(entity, ref);
    expect(Number(forceSync)).toBeGreaterThanOrEqual(before);
    expect(fake.annotated).toEqual([
      {
        cluster: 'east',
        kind: 'ExternalSecret',
        namespace: 'istio-ingress',
        name: 'shop-cert-sync',
        annotations: { 'force-sync': forceSync },
      },
    ]);
  });

  it('refuses an ExternalSecret that writes none of the entity certificates', async () => {
    const fake = new FakeMeshReads({ east: failingShop() });
    const { refresh } = replica(fake, memoryCache(), false);
    await expect(
      refresh.refresh(entity, { ...ref, externalSecret: 'other' }),
    ).rejects.toThrow(
      new NotFoundError(
        "ExternalSecret istio-ingress/other in cluster 'east' does not write a certificate of component:default/checkout",
      ),
    );
    expect(fake.annotated).toEqual([]);
  });

  it('makes the next status a fresh one, not a cache hit', async () => {
    const fake = new FakeMeshReads({ east: failingShop() });
    const { status, refresh } = replica(fake, memoryCache(), false);
    const first = await status.statusFor(entity);
    expect(first.clusters[0].certificates[0].verdict).toBe('sync-failing');
    expect((await status.statusFor(entity)).cache?.hit).toBe(true);

    await refresh.refresh(entity, ref); // a cache hit itself
    expect(fake.count('pods')).toBe(1);
    synced(fake.clusters.east);

    const after = await status.statusFor(entity);
    expect(after.cache).toBeUndefined();
    expect(fake.count('pods')).toBe(2);
    expect(after.clusters[0].certificates[0]).toMatchObject({
      verdict: 'ok',
      certificate: { serial: '02' },
    });
    expect((await status.statusFor(entity)).cache?.hit).toBe(true);
  });

  it('invalidates the status and the memoized cluster reads of every replica sharing the cache', async () => {
    const cache = memoryCache();
    const fake = new FakeMeshReads({ east: failingShop() });
    const a = replica(fake, cache, true);
    const b = replica(fake, cache, true);

    // B answers and caches; A answers from B's cached status
    const first = await b.status.statusFor(entity);
    expect(first.clusters[0].certificates[0].verdict).toBe('sync-failing');
    expect((await a.status.statusFor(entity)).cache?.hit).toBe(true);
    expect(fake.count('tlsCertificate')).toBe(1);

    synced(fake.clusters.east);
    // without a refresh both still answer what was read (the TTL's promise)
    expect((await b.status.statusFor(entity)).cache?.hit).toBe(true);

    await a.refresh.refresh(entity, ref);

    // B recomputes, and its own memo (60 s TTL, read above) does not serve
    // the old certificate: the reads are keyed by the new generation too
    const after = await b.status.statusFor(entity);
    expect(after.cache).toBeUndefined();
    expect(fake.count('tlsCertificate')).toBe(2);
    expect(after.clusters[0].certificates[0]).toMatchObject({
      verdict: 'ok',
      certificate: { serial: '02' },
    });
    // and A gets B's fresh answer from the shared cache
    const fromA = await a.status.statusFor(entity);
    expect(fromA.cache?.hit).toBe(true);
    expect(fromA.generatedAt).toBe(after.generatedAt);
  });

  it('never lets an answer read before the refresh be cached after it', async () => {
    const cache = memoryCache();
    const fake = new FakeMeshReads({ east: failingShop() });
    const a = replica(fake, cache, false);
    const b = replica(fake, cache, false);
    await a.status.statusFor(entity); // cached: the refresh checks against it

    // B starts reading (a new entity target, so no cache hit) and is slow
    const elsewhere = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'backstage.io/kubernetes-cluster': 'east',
        },
      },
    };
    let release = () => {};
    fake.clusters.east.gates = {
      tlsCertificate: new Promise<void>(r => {
        release = r;
      }),
    };
    const slow = b.status.statusFor(elsewhere);
    await new Promise(r => setTimeout(r, 10));
    expect(fake.count('tlsCertificate')).toBe(2);
    delete fake.clusters.east.gates;

    // meanwhile A refreshes, external-secrets syncs
    await a.refresh.refresh(entity, ref);
    synced(fake.clusters.east);

    // B's old read finishes after the refresh: it is answered, not served again
    release();
    expect((await slow).clusters[0].certificates[0].verdict).toBe(
      'sync-failing',
    );
    const next = await b.status.statusFor(elsewhere);
    expect(next.cache).toBeUndefined();
    expect(next.clusters[0].certificates[0].verdict).toBe('ok');
  });

  it('says so when the cached status cannot be invalidated', async () => {
    const cache = memoryCache();
    const fake = new FakeMeshReads({ east: failingShop() });
    const { refresh } = replica(fake, cache, false);
    jest.spyOn(cache, 'set').mockRejectedValue(new Error('redis is down'));
    await expect(refresh.forceSync(ref)).rejects.toThrow(
      /has force-sync=\d+, but the cached mesh status could not be invalidated: redis is down/,
    );
  });
});
