/**
 * Appends to the list kept under `key`, starting it when there is none —
 * in place: copying the list for every item made grouping the pods of a
 * namespace with thousands of them quadratic.
 */
export function appendTo<K, V>(lists: Map<K, V[]>, key: K, ...items: V[]) {
  const list = lists.get(key);
  if (list) {
    list.push(...items);
  } else {
    lists.set(key, items);
  }
}
