import {
  certificateNameCovers,
  HostCheck,
  hostsOverlap,
  TemplateGateway,
  uncoveredHosts,
  validateHostname,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  istioResources,
  KubernetesObject,
  MeshClusterClient,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';

const bare = (h: string) => (h.includes('/') ? h.split('/')[1] : h);

/**
 * What the scaffolder's form fields ask before the user presses Create:
 * the namespaces and gateways templates may use (`istio.scaffolder`), and
 * whether a host can go on a gateway.
 */
export class TemplateFieldService {
  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly policy: WritePolicy,
  ) {}

  private async client(cluster: string) {
    return MeshClusterClient.create(await this.clusters.kubeConfig(cluster));
  }

  /** Existing namespaces templates may write to, plus allowed plain names. */
  async namespaces(cluster: string): Promise<string[]> {
    const client = await this.client(cluster);
    const existing = await client.listNamespaces();
    return [
      ...new Set([
        ...existing.filter(ns => this.policy.allowsNamespace(ns)),
        ...this.policy.literalNamespaces(),
      ]),
    ].sort();
  }

  /** Gateways templates may bind routes to, with the hosts they serve. */
  async gateways(cluster: string): Promise<TemplateGateway[]> {
    const client = await this.client(cluster);
    const gateways = await client.list(istioResources.gateway);
    return gateways
      .map(g => ({ g, ref: `${g.metadata.namespace}/${g.metadata.name}` }))
      .filter(({ ref }) => this.policy.allowsGateway(ref))
      .map(({ g, ref }) => ({
        ref,
        hosts: [
          ...new Set<string>(
            (g.spec?.servers ?? []).flatMap((s: any) =>
              (s.hosts ?? []).map(bare),
            ),
          ),
        ],
        credentialName: httpsServers(g)[0]?.tls?.credentialName,
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /**
   * Whether `host` can be routed through `gateway` for a service in
   * `namespace`: valid name, gateway allowed and serving it, certificate
   * covering it and valid, and no other namespace's route claiming it.
   */
  async checkHost(request: {
    cluster: string;
    gateway: string;
    host: string;
    namespace?: string;
  }): Promise<HostCheck> {
    const { host, gateway } = request;
    const problems: string[] = [];
    const notes: string[] = [];
    const answer = (): HostCheck => ({
      host,
      gateway,
      ok: problems.length === 0,
      problems,
      notes,
    });
    const syntax = validateHostname(host);
    if (syntax) {
      problems.push(syntax);
      return answer();
    }
    if (!this.policy.allowsGateway(gateway)) {
      problems.push(
        `gateway ${gateway} is not in istio.scaffolder.allowedGateways`,
      );
      return answer();
    }
    const [gwNamespace, gwName] = gateway.split('/');
    const client = await this.client(request.cluster);
    const gw = await client.get(istioResources.gateway, gwNamespace, gwName);
    if (!gw) {
      problems.push(`gateway ${gateway} does not exist`);
      return answer();
    }
    const server = httpsServers(gw).find((s: any) =>
      (s.hosts ?? []).some((h: string) => certificateNameCovers(bare(h), host)),
    );
    if (!server) {
      problems.push(
        `gateway ${gateway} does not serve ${host} over HTTPS (its hosts: ${
          httpsServers(gw)
            .flatMap((s: any) => s.hosts ?? [])
            .join(', ') || 'none'
        })`,
      );
    } else if (server.tls?.credentialName) {
      const tls = await client.readTlsCertificate(
        gwNamespace,
        server.tls.credentialName,
      );
      const certificate = tls.exists ? tls.certificate : undefined;
      if (!certificate) {
        problems.push(
          `the gateway's certificate secret ${gwNamespace}/${server.tls.credentialName} is missing or unreadable`,
        );
      } else if (uncoveredHosts(certificate.sans, [host]).length > 0) {
        problems.push(
          `the gateway's certificate (${certificate.sans.join(
            ', ',
          )}) does not cover ${host}`,
        );
      } else if (certificate.daysLeft < 0) {
        problems.push(
          `the gateway's certificate expired on ${certificate.notAfter}`,
        );
      } else {
        notes.push(
          `covered by the certificate for ${certificate.sans.join(', ')} (${
            certificate.daysLeft
          } days left)`,
        );
      }
    }
    const claims = (await client.list(istioResources.virtualService)).filter(
      (vs: KubernetesObject) =>
        vs.metadata.namespace !== request.namespace &&
        ((vs.spec?.hosts ?? []) as string[]).some(h => hostsOverlap(h, host)) &&
        ((vs.spec?.gateways ?? []) as string[]).some(
          g =>
            (g.includes('/') ? g : `${vs.metadata.namespace}/${g}`) === gateway,
        ),
    );
    for (const vs of claims) {
      problems.push(
        `${host} is already routed by VirtualService ${vs.metadata.namespace}/${vs.metadata.name} on ${gateway}`,
      );
    }
    return answer();
  }
}

function httpsServers(gateway: KubernetesObject): any[] {
  return (gateway.spec?.servers ?? []).filter(
    (s: any) => s.tls && s.tls.mode !== 'PASSTHROUGH',
  );
}
