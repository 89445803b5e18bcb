type Raw = Record<string, any>;

/**
 * Objects in the order a list request gives them: by namespace, then name
 * (etcd's key order), so an answer from the watch cache equals the one
 * read on request.
 */
export function inListOrder<T>(objects: Iterable<T>): T[] {
  const key = (o: Raw) =>
    `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return [...objects]
    .map(o => ({ o, k: key(o as Raw) }))
    .sort((a, b) => {
      if (a.k === b.k) return 0;
      return a.k < b.k ? -1 : 1;
    })
    .map(({ o }) => o);
}
