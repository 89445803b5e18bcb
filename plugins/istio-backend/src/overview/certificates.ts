import {
  attachedListeners,
  CERTIFICATE_VERDICT_ORDER,
  CertificateStatus,
  GatewayApiModel,
  listenerCertificateSecrets,
  listenerTerminatesTls,
  MeshGateway,
  MeshVirtualService,
} from '@meshdeck/plugin-istio-common';
import type { GatewayCredential } from '../status/traffic';
import { serverAccepts, serverCredential, servesHosts } from './hosts';
import { OwnerKey } from './ownership';

/**
 * The gateway TLS secrets of a cluster: every secret an Istio Gateway server
 * or a Gateway API listener references, with the hosts it serves and the
 * routes (owner keys) behind them. The verdicts come from the same
 * `certificateStatus` as the entity status. Pure functions over parsed
 * objects.
 */

/** A gateway credential with the owner keys of what it serves. */
export type CredentialUse = GatewayCredential & { keys: OwnerKey[] };

const key = (o: { namespace: string; labels: Record<string, string> }) => ({
  namespace: o.namespace,
  labels: o.labels,
});

function add(
  uses: Map<string, CredentialUse>,
  gateway: { ref: string },
  secret: { namespace: string; name: string },
): CredentialUse {
  const id = `${gateway.ref}|${secret.namespace}/${secret.name}`;
  let use = uses.get(id);
  if (!use) {
    use = {
      gateway: gateway.ref,
      namespace: secret.namespace,
      credentialName: secret.name,
      hosts: [],
      keys: [],
    };
    uses.set(id, use);
  }
  return use;
}

const addHosts = (use: CredentialUse, hosts: string[]) => {
  use.hosts = [...new Set([...use.hosts, ...hosts])];
};

/**
 * The credentials of the Istio Gateways: per Gateway and secret, the hosts
 * the VirtualServices bound to it claim on a server terminating TLS with it
 * (as the entity status judges them), or — when no route claims one — the
 * servers' own hosts (but `*`). Owned by those routes, else by the Gateway.
 */
export function istioGatewayCredentials(
  gateways: readonly MeshGateway[],
  virtualServices: readonly MeshVirtualService[],
): CredentialUse[] {
  const uses = new Map<string, CredentialUse>();
  for (const g of gateways) {
    const bound = virtualServices.filter(vs => vs.gateways.includes(g.ref));
    for (const server of g.servers) {
      const credential = serverCredential(server);
      if (!credential) {
        continue;
      }
      const use = add(uses, g, { namespace: g.namespace, name: credential });
      for (const vs of bound) {
        const hosts = vs.hosts.filter(h =>
          serverAccepts(server, h, vs.namespace),
        );
        if (hosts.length > 0) {
          addHosts(use, hosts);
          use.keys.push(key(vs));
        }
      }
    }
  }
  for (const use of uses.values()) {
    if (use.keys.length === 0) {
      const g = gateways.find(x => x.ref === use.gateway)!;
      addHosts(
        use,
        g.servers
          .filter(s => serverCredential(s) === use.credentialName)
          .flatMap(s => s.hosts)
          .filter(h => h !== '*'),
      );
      use.keys.push(key(g));
    }
  }
  return [...uses.values()];
}

/**
 * The certificate Secrets of the Gateway API listeners that terminate TLS
 * (waypoints aside): per Gateway and Secret, the hostnames the attached
 * HTTPRoutes get there (as the entity status judges them), or — without a
 * route — the listener's hostname. Owned by those routes, else by the
 * Gateway.
 */
export function gatewayApiCredentials(
  model: Pick<GatewayApiModel, 'gateways' | 'httpRoutes' | 'namespaceLabels'>,
): CredentialUse[] {
  const uses = new Map<string, CredentialUse>();
  const gateways = model.gateways.filter(servesHosts);
  for (const g of gateways) {
    for (const l of g.listeners.filter(listenerTerminatesTls)) {
      for (const secret of listenerCertificateSecrets(l)) {
        add(uses, g, secret);
      }
    }
  }
  const scoped = { ...model, gateways };
  for (const route of model.httpRoutes) {
    for (const a of attachedListeners(scoped, route)) {
      if (!listenerTerminatesTls(a.listener)) {
        continue;
      }
      for (const secret of listenerCertificateSecrets(a.listener)) {
        const use = add(uses, a.gateway, secret);
        addHosts(
          use,
          a.hostnames.filter(h => h !== '*'),
        );
        use.keys.push(key(route));
      }
    }
  }
  for (const use of uses.values()) {
    if (use.keys.length === 0) {
      const g = gateways.find(x => x.ref === use.gateway)!;
      addHosts(
        use,
        g.listeners
          .filter(
            l =>
              listenerTerminatesTls(l) &&
              listenerCertificateSecrets(l).some(
                s =>
                  s.namespace === use.namespace &&
                  s.name === use.credentialName,
              ),
          )
          .flatMap(l => (l.hostname && l.hostname !== '*' ? [l.hostname] : [])),
      );
      use.keys.push(key(g));
    }
  }
  return [...uses.values()];
}

const verdictRank = (v: CertificateStatus['verdict']) =>
  CERTIFICATE_VERDICT_ORDER.indexOf(v);

/**
 * Most urgent verdict first, then fewest days left (no certificate last
 * among equals), then by cluster, secret and gateway.
 */
export function compareCertificates(
  a: CertificateStatus & { cluster: string },
  b: CertificateStatus & { cluster: string },
): number {
  const days = (c: CertificateStatus) =>
    c.certificate?.daysLeft ?? Number.POSITIVE_INFINITY;
  return (
    verdictRank(a.verdict) - verdictRank(b.verdict) ||
    Math.sign(days(a) - days(b) || 0) ||
    a.cluster.localeCompare(b.cluster) ||
    `${a.secret.namespace}/${a.secret.name}`.localeCompare(
      `${b.secret.namespace}/${b.secret.name}`,
    ) ||
    a.gateway.localeCompare(b.gateway)
  );
}
