import type { MeshStatus } from '@meshdeck/plugin-istio-common';
import { keptAnswer, statusJson } from './statusJson';

const kept: MeshStatus = {
  entityRef: 'component:default/checkout',
  verdict: 'healthy',
  generatedAt: '2026-12-01T00:00:00.000Z',
  clusters: [],
};

describe('statusJson', () => {
  it('writes the same object as JSON.stringify, for kept and other answers', () => {
    const answer = keptAnswer(kept, { hit: true, ageSeconds: 3 });
    expect(JSON.parse(statusJson(answer))).toEqual(
      JSON.parse(JSON.stringify(answer)),
    );
    expect(JSON.parse(statusJson(kept))).toEqual(kept);
    expect(statusJson(kept)).toBe(JSON.stringify(kept));
  });

  it('serializes a kept status once; each answer writes only its cache field', () => {
    const status = { ...kept };
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const first = statusJson(
        keptAnswer(status, { hit: true, ageSeconds: 1 }),
      );
      const second = statusJson(
        keptAnswer(status, { hit: true, ageSeconds: 2 }),
      );
      const objects = stringify.mock.calls.map(([value]) => value);
      expect(objects.filter(v => v === status)).toHaveLength(1);
      expect(JSON.parse(first).cache).toEqual({ hit: true, ageSeconds: 1 });
      expect(JSON.parse(second).cache).toEqual({ hit: true, ageSeconds: 2 });
      expect(JSON.parse(second).entityRef).toBe(kept.entityRef);
    } finally {
      stringify.mockRestore();
    }
  });

  it('serializes the whole answer when the kept status has a cache field of its own', () => {
    const withCache = { ...kept, cache: { hit: false, ageSeconds: 0 } };
    const answer = keptAnswer(withCache, { hit: true, ageSeconds: 5 });
    expect(JSON.parse(statusJson(answer)).cache).toEqual({
      hit: true,
      ageSeconds: 5,
    });
  });
});
