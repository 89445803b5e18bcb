import type { MeshObjectMeta, RawObject } from './model';

/**
 * Defensive readers of Kubernetes JSON for the parsers: a field of the
 * wrong type is read as absent. Shared by the Istio, Gateway API and ambient
 * parsers.
 */

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : undefined;
export const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};
export const strings = (v: unknown): string[] =>
  arr(v).flatMap(x => (typeof x === 'string' ? [x] : []));
export const stringMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(obj(v)).flatMap(([k, x]) =>
      typeof x === 'string' ? [[k, x]] : [],
    ),
  );
/** A string map where one is written; undefined where none is (or not a map). */
export const optionalStringMap = (
  v: unknown,
): Record<string, string> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? stringMap(v) : undefined;

/** JSON with object keys sorted, so equal values give equal strings. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(k => `${JSON.stringify(k)}:${stableJson((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The time as an ISO string, from a Date (client-node) or a string (JSON). @public */
export function isoTime(value: unknown): string | undefined {
  if (value instanceof Date) {
    return value.toISOString();
  }
  return typeof value === 'string' ? value : undefined;
}

/** The fields every parsed namespaced object has. */
export function objectMeta(o: RawObject): MeshObjectMeta {
  const namespace = o.metadata?.namespace ?? '';
  const name = o.metadata?.name ?? '';
  const createdAt = isoTime(o.metadata?.creationTimestamp);
  const apiVersion = str(o.apiVersion);
  return {
    namespace,
    name,
    ref: `${namespace}/${name}`,
    labels: stringMap(o.metadata?.labels),
    ...(createdAt && { createdAt }),
    ...(apiVersion && { apiVersion }),
  };
}
