import { mockServices } from '@backstage/backend-test-utils';
import {
  ClusterRegistry,
  MeshClusterClient,
} from '@meshdeck/plugin-istio-node';
import { StatusService } from './StatusService';
import { memoryCache } from '../__testUtils__/memoryCache';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
};

describe('StatusService caching', () => {
  const registry = new ClusterRegistry([
    {
      // nothing listens on port 1: each read fails fast with an error entry
      name: 'dead',
      url: 'https://127.0.0.1:1',
      authProvider: 'serviceAccount',
      serviceAccountToken: 't',
      skipTLSVerify: true,
    },
  ]);
  const cachedService = () =>
    new StatusService({
      clusters: registry,
      timeoutMs: 10_000,
      logger: mockServices.logger.mock(),
      cache: memoryCache(),
    });
  afterEach(() => jest.restoreAllMocks());

  it('coalesces 50 simultaneous requests into one set of cluster reads, then answers from the cache', async () => {
    const reads = jest.spyOn(MeshClusterClient.prototype, 'listPods');
    const service = cachedService();

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => service.statusFor(entity)),
    );
    expect(reads).toHaveBeenCalledTimes(1);
    expect(new Set(answers.map(a => a.generatedAt)).size).toBe(1);
    expect(answers[0].clusters[0].errors).toHaveLength(1);
    expect(answers[0].cache).toBeUndefined();

    const again = await service.statusFor(entity);
    expect(reads).toHaveBeenCalledTimes(1);
    expect(again.cache).toEqual({ hit: true, ageSeconds: expect.any(Number) });
    expect(again.generatedAt).toBe(answers[0].generatedAt);
  });

  it('reads again when the entity maps elsewhere (the key includes its target)', async () => {
    const reads = jest.spyOn(MeshClusterClient.prototype, 'listPods');
    const service = cachedService();
    await service.statusFor(entity);
    await service.statusFor({
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'backstage.io/kubernetes-namespace': 'shop',
        },
      },
    });
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
