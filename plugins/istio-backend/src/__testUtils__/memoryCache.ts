import { CacheService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/** A Map-backed CacheService for tests (TTLs are ignored). */
export function memoryCache(): CacheService {
  const store = new Map<string, JsonValue>();
  const cache: CacheService = {
    get: async <T extends JsonValue>(key: string) =>
      store.get(key) as T | undefined,
    set: async (key, value) => {
      store.set(key, value);
    },
    delete: async key => {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}
