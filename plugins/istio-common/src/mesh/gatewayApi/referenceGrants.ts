import { GatewayApiObjectRef, ReferenceGrant } from './model';

/**
 * ReferenceGrant (Gateway API v1.5.1): every cross-namespace reference except
 * route-to-Gateway attachment needs a ReferenceGrant in the namespace of the
 * referenced object, whose `from` names the referring kind and namespace and
 * whose `to` names the referenced kind (and, optionally, the object). Groups
 * compare as written; `''` is the core group.
 */

/** The referring side of a reference. @public */
export type ReferenceFrom = { group: string; kind: string; namespace: string };

/**
 * True when the reference `from` → `to` is permitted: same namespace, or a
 * ReferenceGrant in `to.namespace` allows it.
 *
 * @public
 */
export function referenceGrantAllows(
  grants: readonly ReferenceGrant[],
  from: ReferenceFrom,
  to: GatewayApiObjectRef,
): boolean {
  if (from.namespace === to.namespace) {
    return true;
  }
  return grants.some(
    g =>
      g.namespace === to.namespace &&
      g.from.some(
        f =>
          f.group === from.group &&
          f.kind === from.kind &&
          f.namespace === from.namespace,
      ) &&
      g.to.some(
        t =>
          t.group === to.group &&
          t.kind === to.kind &&
          (t.name === undefined || t.name === to.name),
      ),
  );
}

const MAX_NAME = 253;

/** A short stable hash (FNV-1a, hex) for names that would be too long. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The name Meshdeck gives the ReferenceGrant for one reference, e.g.
 * `httproute-team-a-to-service-storefront`; at most 253 characters.
 *
 * @public
 */
export function referenceGrantName(
  from: ReferenceFrom,
  to: GatewayApiObjectRef,
): string {
  const name = `${from.kind}-${from.namespace}-to-${to.kind}-${to.name}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-');
  if (name.length <= MAX_NAME) {
    return name;
  }
  return `${name.slice(0, MAX_NAME - 9).replace(/[-.]+$/, '')}-${shortHash(
    name,
  )}`;
}

/**
 * The ReferenceGrant that permits one reference, as YAML in a `kubectl apply`
 * command: the fix a refusal names. `v1beta1` is served by every Gateway API
 * release that has ReferenceGrant.
 *
 * @public
 */
export function referenceGrantFix(
  from: ReferenceFrom,
  to: GatewayApiObjectRef,
): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    `Ask the owners of namespace '${to.namespace}' to grant it:`,
    `kubectl apply -f - <<'EOF'`,
    'apiVersion: gateway.networking.k8s.io/v1beta1',
    'kind: ReferenceGrant',
    'metadata:',
    `  name: ${referenceGrantName(from, to)}`,
    `  namespace: ${to.namespace}`,
    'spec:',
    '  from:',
    `    - group: ${q(from.group)}`,
    `      kind: ${from.kind}`,
    `      namespace: ${from.namespace}`,
    '  to:',
    `    - group: ${q(to.group)}`,
    `      kind: ${to.kind}`,
    `      name: ${to.name}`,
    'EOF',
  ].join('\n');
}
