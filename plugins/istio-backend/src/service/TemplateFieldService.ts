import {
  describeFinding,
  HostCheck,
  hostOnGatewayFindings,
  parseGateway,
  RuleFinding,
  TemplateGateway,
  validateHostname,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  istioResources,
  readMeshModel,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';

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

  private client(cluster: string) {
    return this.clusters.client(cluster);
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
      .map(parseGateway)
      .filter(g => this.policy.allowsGateway(g.ref))
      .map(g => ({
        ref: g.ref,
        hosts: [...new Set(g.servers.flatMap(s => s.hosts))],
        credentialName: g.servers.find(s => s.tls?.credentialName)?.tls
          ?.credentialName,
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /**
   * Whether `host` can be routed through `gateway` by the route `name` in
   * `namespace`: a valid name on an allowed gateway, then the rule book's
   * host-on-gateway rules — the same function the route actions call before
   * they write, over the same cluster reads, so the form and the action
   * cannot disagree.
   */
  async checkHost(request: {
    cluster: string;
    gateway: string;
    host: string;
    namespace?: string;
    name?: string;
  }): Promise<HostCheck> {
    const { host, gateway } = request;
    const answer = (findings: RuleFinding[]): HostCheck => {
      const problems = findings
        .filter(f => f.severity === 'error')
        .map(describeFinding);
      return {
        host,
        gateway,
        ok: problems.length === 0,
        problems,
        notes: findings
          .filter(f => f.severity !== 'error')
          .map(describeFinding),
        findings: findings.map(({ missingReference, ...finding }) => finding),
      };
    };
    const syntax = validateHostname(host);
    if (syntax) {
      return answer([
        {
          id: 'host-invalid',
          severity: 'error',
          object: host,
          message: `host "${host}" ${syntax}`,
        },
      ]);
    }
    if (!this.policy.allowsGateway(gateway)) {
      return answer([
        {
          id: 'gateway-not-allowed',
          severity: 'error',
          object: gateway,
          message: `gateway ${gateway} is not in istio.scaffolder.allowedGateways`,
        },
      ]);
    }
    const model = await readMeshModel(await this.client(request.cluster), {
      credentialsOf: [gateway],
    });
    return answer(
      hostOnGatewayFindings(model, {
        host,
        gateway,
        namespace: request.namespace,
        name: request.name,
      }),
    );
  }
}
