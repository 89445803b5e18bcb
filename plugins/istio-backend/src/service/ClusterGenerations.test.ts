import { memoryCache } from '../__testUtils__/memoryCache';
import { ClusterGenerations, INITIAL_GENERATION } from './ClusterGenerations';

describe('ClusterGenerations', () => {
  it('starts every cluster at the initial generation', async () => {
    await expect(
      new ClusterGenerations(memoryCache()).current(['a', 'b']),
    ).resolves.toEqual({ a: INITIAL_GENERATION, b: INITIAL_GENERATION });
  });

  it('bumps one cluster to a value never seen before, for every instance sharing the cache', async () => {
    const cache = memoryCache();
    const set = jest.spyOn(cache, 'set');
    const one = new ClusterGenerations(cache);
    const other = new ClusterGenerations(cache);
    const first = await one.bump('a');
    const second = await one.bump('a');
    expect(new Set([INITIAL_GENERATION, first, second]).size).toBe(3);
    await expect(other.current(['a', 'b'])).resolves.toEqual({
      a: second,
      b: INITIAL_GENERATION,
    });
    expect(set).toHaveBeenLastCalledWith('istio:generation:a', second, {
      ttl: 24 * 60 * 60_000,
    });
  });

  it('keeps generations in memory without a cache', async () => {
    const local = new ClusterGenerations();
    const generation = await local.bump('a');
    await expect(local.current(['a'])).resolves.toEqual({ a: generation });
  });
});
