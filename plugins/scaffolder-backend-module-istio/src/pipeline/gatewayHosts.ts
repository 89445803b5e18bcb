import { KubernetesObject } from '@meshdeck/plugin-istio-node';

/** A Gateway server's host without its optional `<namespace>/` prefix. */
export function bareHost(host: string): string {
  const slash = host.indexOf('/');
  return slash >= 0 ? host.slice(slash + 1) : host;
}

/** `(port, host)` pairs a Gateway serves. */
export function servedHosts(
  gateway: KubernetesObject,
): Array<{ port: number; host: string }> {
  const servers: any[] = gateway.spec?.servers ?? [];
  return servers.flatMap(server =>
    ((server.hosts ?? []) as string[]).map(host => ({
      port: Number(server.port?.number),
      host: bareHost(host),
    })),
  );
}

/** `<namespace>/<name>` of a Gateway reference made from a VirtualService. */
export function qualifyGatewayRef(ref: string, vsNamespace: string): string {
  return ref.includes('/') ? ref : `${vsNamespace}/${ref}`;
}
