import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { VisibleEntities } from './VisibleEntities';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: {},
};

describe('VisibleEntities', () => {
  let now = 0;
  const setUp = (ttlMs: number) => {
    const catalog = catalogServiceMock({ entities: [entity] });
    const read = jest.spyOn(catalog, 'getEntityByRef');
    const entities = new VisibleEntities({
      catalog,
      auth: mockServices.auth(),
      ttlMs,
      now: () => now,
    });
    return { read, entities };
  };
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');
  const ref = 'component:default/checkout';

  beforeEach(() => {
    now = 1_000;
  });

  it('keeps an entity per caller for the TTL, read with that caller’s credentials', async () => {
    const { read, entities } = setUp(5_000);
    expect(await entities.get(ref, alice)).toEqual(entity);
    expect(await entities.get(ref, alice)).toEqual(entity);
    expect(read).toHaveBeenCalledTimes(1);
    // another caller is read for with their own credentials
    await entities.get(ref, bob);
    expect(read).toHaveBeenCalledTimes(2);
    expect(read.mock.calls[1][1]).toEqual({ credentials: bob });
    // after the TTL, read again
    now += 5_001;
    await entities.get(ref, alice);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('does not keep "not found", so a new entity shows at once', async () => {
    const { read, entities } = setUp(5_000);
    expect(await entities.get('component:default/new', alice)).toBeUndefined();
    expect(await entities.get('component:default/new', alice)).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent requests and keeps no failure', async () => {
    const { read, entities } = setUp(5_000);
    await Promise.all([entities.get(ref, alice), entities.get(ref, alice)]);
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRejectedValueOnce(new Error('catalog down'));
    now += 10_000;
    await expect(entities.get(ref, alice)).rejects.toThrow('catalog down');
    expect(await entities.get(ref, alice)).toEqual(entity);
  });

  it('reads every time with a TTL of 0', async () => {
    const { read, entities } = setUp(0);
    await entities.get(ref, alice);
    await entities.get(ref, alice);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
