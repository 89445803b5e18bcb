import {
  ClusterRegistry,
  MeshClusterClient,
} from '@meshdeck/plugin-istio-node';
import { ClusterReads } from './ClusterReads';

const registry = new ClusterRegistry([
  {
    name: 'a',
    url: 'https://127.0.0.1:1',
    authProvider: 'serviceAccount',
    serviceAccountToken: 't',
    skipTLSVerify: true,
  },
]);

describe('ClusterReads', () => {
  let now = 0;
  const reads = () =>
    new ClusterReads({ clusters: registry, ttlMs: 1000, now: () => now });
  beforeEach(() => {
    now = 0;
  });
  afterEach(() => jest.restoreAllMocks());

  it('shares one read between concurrent and later callers until the TTL ends', async () => {
    const controlPlanes = jest
      .spyOn(MeshClusterClient.prototype, 'controlPlanes')
      .mockResolvedValue([{ revision: 'default', namespace: 'istio-system' }]);
    const cache = reads();
    await Promise.all([cache.controlPlanes('a'), cache.controlPlanes('a')]);
    now = 999;
    await cache.controlPlanes('a');
    expect(controlPlanes).toHaveBeenCalledTimes(1);
    now = 1000;
    await expect(cache.controlPlanes('a')).resolves.toEqual([
      { revision: 'default', namespace: 'istio-system' },
    ]);
    expect(controlPlanes).toHaveBeenCalledTimes(2);
  });

  it('never keeps a failed read', async () => {
    const controlPlanes = jest
      .spyOn(MeshClusterClient.prototype, 'controlPlanes')
      .mockRejectedValueOnce(new Error('boom'))
      .mockResolvedValue([]);
    const cache = reads();
    await expect(cache.controlPlanes('a')).rejects.toThrow('boom');
    await expect(cache.controlPlanes('a')).resolves.toEqual([]);
    expect(controlPlanes).toHaveBeenCalledTimes(2);
  });

  it('forgets a cluster on request', async () => {
    const getNamespace = jest
      .spyOn(MeshClusterClient.prototype, 'getNamespace')
      .mockResolvedValue(undefined);
    const cache = reads();
    await cache.namespace('a', 'shop');
    await cache.namespace('a', 'shop');
    cache.forget('a');
    await cache.namespace('a', 'shop');
    expect(getNamespace).toHaveBeenCalledTimes(2);
  });

  it('renews the client within 5 minutes whatever the TTL, as its token expires', async () => {
    const kubeConfig = jest.spyOn(registry, 'kubeConfig');
    const cache = new ClusterReads({
      clusters: registry,
      ttlMs: 3_600_000,
      now: () => now,
    });
    await cache.client('a');
    now = 299_999;
    await cache.client('a');
    expect(kubeConfig).toHaveBeenCalledTimes(1);
    now = 300_000;
    await cache.client('a');
    expect(kubeConfig).toHaveBeenCalledTimes(2);
  });
});
