import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogEntities } from './CatalogEntities';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: {},
};

describe('CatalogEntities', () => {
  let now = 0;
  const setUp = (ttlMs: number) => {
    const catalog = catalogServiceMock({ entities: [entity] });
    const read = jest.spyOn(catalog, 'getEntityByRef');
    const entities = new CatalogEntities({
      catalog,
      auth: mockServices.auth({ pluginId: 'istio' }),
      ttlMs,
      now: () => now,
    });
    return { read, entities };
  };
  const ref = 'component:default/checkout';

  beforeEach(() => {
    now = 1_000;
  });

  it('keeps an entity for the TTL, read with the plugin’s own credentials', async () => {
    const { read, entities } = setUp(5_000);
    expect(await entities.get(ref)).toEqual(entity);
    expect(await entities.get(ref)).toEqual(entity);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0][1]).toEqual({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({
          type: 'service',
          subject: 'plugin:istio',
        }),
      }),
    });
    // after the TTL, read again
    now += 5_001;
    await entities.get(ref);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('does not keep "not found", so a new entity shows at once', async () => {
    const { read, entities } = setUp(5_000);
    expect(await entities.get('component:default/new')).toBeUndefined();
    expect(await entities.get('component:default/new')).toBeUndefined();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent requests and keeps no failure', async () => {
    const { read, entities } = setUp(5_000);
    await Promise.all([entities.get(ref), entities.get(ref)]);
    expect(read).toHaveBeenCalledTimes(1);
    read.mockRejectedValueOnce(new Error('catalog down'));
    now += 10_000;
    await expect(entities.get(ref)).rejects.toThrow('catalog down');
    expect(await entities.get(ref)).toEqual(entity);
  });

  it('reads every time with a TTL of 0', async () => {
    const { read, entities } = setUp(0);
    await entities.get(ref);
    await entities.get(ref);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
