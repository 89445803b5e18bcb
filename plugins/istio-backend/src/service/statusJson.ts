import type { MeshStatus } from '@meshdeck/plugin-istio-common';

/** A kept answer handed out for a request → the kept status it copies. */
const keptOf = new WeakMap<MeshStatus, MeshStatus>();
/** A kept status → its JSON. */
const jsonOf = new WeakMap<MeshStatus, string>();

/**
 * An answer from a kept status: the status with this request's `cache`
 * field. The kept status must not change afterwards (it is not: a change
 * in the cluster makes a new one).
 */
export function keptAnswer(
  kept: MeshStatus,
  cache: NonNullable<MeshStatus['cache']>,
): MeshStatus {
  const answer = { ...kept, cache };
  keptOf.set(answer, kept);
  return answer;
}

/**
 * The JSON of a status response. The body of an answer made by
 * {@link keptAnswer} is serialized once per kept status — only its `cache`
 * field is written for each request: a warm answer is tens of KB of JSON
 * for an entity with many pods, and serializing it again was the largest
 * part of a warm request's own CPU time through the real app.
 */
export function statusJson(answer: MeshStatus): string {
  const kept = keptOf.get(answer);
  if (!kept || 'cache' in kept) {
    return JSON.stringify(answer);
  }
  let json = jsonOf.get(kept);
  if (json === undefined) {
    json = JSON.stringify(kept);
    jsonOf.set(kept, json);
  }
  // the same object as JSON.stringify(answer) gives, `cache` first
  const cache = JSON.stringify(answer.cache);
  return json === '{}'
    ? `{"cache":${cache}}`
    : `{"cache":${cache},${json.slice(1)}`;
}
