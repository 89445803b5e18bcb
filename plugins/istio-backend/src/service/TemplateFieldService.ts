import { InputError } from '@backstage/errors';
import {
  attachedListeners,
  buildHttpRoute,
  certificateCoverage,
  describeFinding,
  HostCheck,
  hostOnGatewayFindings,
  httpRouteFindings,
  K8sGateway,
  listenerAcceptsRoute,
  listenerCertificateSecrets,
  listenerTerminatesTls,
  parseGateway,
  parseHttpRoute,
  parseK8sGateway,
  RouteApi,
  RuleFinding,
  TemplateGateway,
  TemplateRouteApi,
  validateHostname,
} from '@meshdeck/plugin-istio-common';
import {
  ClusterRegistry,
  istioResources,
  readGatewayApiModel,
  readMeshModel,
  withPlannedGatewayApi,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';

/** A host a template's route wants on a gateway, as the host field asks. */
export type HostCheckRequest = {
  cluster: string;
  /** `namespace/name` of the gateway. */
  gateway: string;
  host: string;
  /** The namespace of the route (required for the Gateway API). */
  namespace?: string;
  /** The route's own name: re-applying it is no conflict. */
  name?: string;
  /** Which kind of gateway and route (default `istio`). */
  api?: RouteApi;
};

/** The route name the host check plans with when the form does not know it. */
const UNNAMED_ROUTE = 'meshdeck-host-check';

/**
 * What the scaffolder's form fields ask before the user presses Create:
 * which route API to start with (`istio.scaffolder.routeApi`, and what the
 * cluster serves), the namespaces and gateways templates may use
 * (`istio.scaffolder`), and whether a host can go on a gateway.
 */
export class TemplateFieldService {
  private readonly defaultRouteApi: RouteApi;

  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly policy: WritePolicy,
    options: { routeApi?: RouteApi } = {},
  ) {
    this.defaultRouteApi = options.routeApi ?? 'istio';
  }

  private client(cluster: string) {
    return this.clusters.client(cluster);
  }

  /**
   * Which route API the form starts with for a cluster, and which of the
   * two the cluster serves: Istio's Gateway and VirtualService, the Gateway
   * API's Gateway and HTTPRoute. The configured default, unless the cluster
   * serves only the other one.
   */
  async routeApi(cluster: string): Promise<TemplateRouteApi> {
    const client = await this.client(cluster);
    const [istioGateway, virtualService, k8sGateway, httpRoute] =
      await Promise.all([
        client.serves(istioResources.gateway),
        client.serves(istioResources.virtualService),
        client.serves(istioResources.k8sGateway),
        client.serves(istioResources.httpRoute),
      ]);
    const served = {
      istio: istioGateway && virtualService,
      gatewayApi: k8sGateway && httpRoute,
    };
    const isServed = (api: RouteApi) =>
      api === 'istio' ? served.istio : served.gatewayApi;
    const configured = this.defaultRouteApi;
    const other: RouteApi = configured === 'istio' ? 'gateway-api' : 'istio';
    return {
      default: !isServed(configured) && isServed(other) ? other : configured,
      configured,
      served,
    };
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

  /**
   * Gateways templates may bind routes to (`istio.scaffolder.allowedGateways`),
   * with the hosts they serve: Istio Gateways, or — for `gateway-api` —
   * Gateway API Gateways with the listeners that take HTTPRoutes (waypoints
   * and other Gateways without such a listener are left out). None when the
   * cluster does not serve the kind.
   */
  async gateways(
    cluster: string,
    api: RouteApi = 'istio',
  ): Promise<TemplateGateway[]> {
    const client = await this.client(cluster);
    if (api === 'gateway-api') {
      if (!(await client.serves(istioResources.k8sGateway))) {
        return [];
      }
      const gateways = (await client.list(istioResources.k8sGateway)).map(
        parseK8sGateway,
      );
      return gateways
        .filter(g => this.policy.allowsGateway(g.ref))
        .map(g => templateK8sGateway(g))
        .filter(g => (g.listeners ?? []).length > 0)
        .sort((a, b) => a.ref.localeCompare(b.ref));
    }
    if (!(await client.serves(istioResources.gateway))) {
      return [];
    }
    const gateways = await client.list(istioResources.gateway);
    return gateways
      .map(parseGateway)
      .filter(g => this.policy.allowsGateway(g.ref))
      .map(g => ({
        ref: g.ref,
        api: 'istio' as const,
        hosts: [...new Set(g.servers.flatMap(s => s.hosts))],
        credentialName: g.servers.find(s => s.tls?.credentialName)?.tls
          ?.credentialName,
      }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /**
   * Whether `host` can be routed through `gateway` by the route `name` in
   * `namespace`: a valid name on an allowed gateway, then the rule book's
   * rules — the same functions the route actions call before they write,
   * over the same cluster reads, so the form and the action cannot
   * disagree. Istio: `hostOnGatewayFindings` (what
   * `istio:virtualservice:create` runs per host). Gateway API:
   * `httpRouteFindings` over the HTTPRoute the template would write (what
   * `istio:gatewayapi:httproute:create` runs): a listener takes routes from
   * the namespace, a hostname intersects, no other namespace's route has the
   * hostname on the listener, the listener's certificate covers it.
   */
  async checkHost(request: HostCheckRequest): Promise<HostCheck> {
    const { host, gateway } = request;
    const api = request.api ?? 'istio';
    const answer = (
      findings: RuleFinding[],
      extraNotes: string[] = [],
    ): HostCheck => {
      const problems = findings
        .filter(f => f.severity === 'error')
        .map(describeFinding);
      return {
        host,
        gateway,
        api,
        ok: problems.length === 0,
        problems,
        notes: [
          ...findings.filter(f => f.severity !== 'error').map(describeFinding),
          ...(problems.length === 0 ? extraNotes : []),
        ],
        findings: findings.map(({ missingReference, ...finding }) => finding),
      };
    };
    const syntax =
      validateHostname(host) ??
      (api === 'gateway-api' && host !== host.toLowerCase()
        ? 'must be lower case (the Gateway API requires it)'
        : undefined);
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
    if (api === 'gateway-api') {
      return this.checkHostOnK8sGateway(request, answer);
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

  /**
   * The Gateway API host check: the HTTPRoute the template would write
   * (the host as its one hostname, the gateway as its one parentRef, no
   * rules: its backends are the action's to check), planned into the
   * cluster's model exactly as `istio:gatewayapi:httproute:create` plans it,
   * and judged by the same `httpRouteFindings`.
   */
  private async checkHostOnK8sGateway(
    request: HostCheckRequest,
    answer: (findings: RuleFinding[], notes?: string[]) => HostCheck,
  ): Promise<HostCheck> {
    const { host, gateway } = request;
    const namespace = request.namespace;
    if (!namespace) {
      // a Gateway API listener decides by namespace which routes it takes
      throw new InputError(
        'namespace is required with api=gateway-api: a Gateway API listener takes routes by their namespace (allowedRoutes)',
      );
    }
    const [gatewayNamespace, gatewayName] = gateway.split('/');
    const client = await this.client(request.cluster);
    const cluster = await readGatewayApiModel(client, {
      certificatesOf: [gateway],
      namespaceLabelsOf: [namespace],
    });
    if (!cluster.served) {
      return answer([
        {
          id: 'gateway-api-not-served',
          severity: 'error',
          object: gateway,
          message: `the cluster does not serve the Gateway API (gateway.networking.k8s.io Gateway and HTTPRoute); choose Istio's Gateway and VirtualService`,
        },
      ]);
    }
    const manifest = buildHttpRoute(
      {
        name: request.name ?? UNNAMED_ROUTE,
        namespace,
        hostnames: [host],
        parentRefs: [{ name: gatewayName, namespace: gatewayNamespace }],
        rules: [],
      },
      await client.versionOf(istioResources.httpRoute),
    );
    const planned = parseHttpRoute(manifest);
    const model = withPlannedGatewayApi(cluster, [manifest]);
    const route = model.httpRoutes.find(r => r.ref === planned.ref) ?? planned;
    const findings = httpRouteFindings(model, route, {
      purpose: 'preflight',
      previous: cluster.httpRoutes.find(r => r.ref === planned.ref),
    });
    // good to know when it can go there: the listeners and certificates
    const notes = attachedListeners(model, route).map(l => {
      const where = `listener '${l.listener.name}' (${l.listener.protocol} ${l.listener.port})`;
      const covered = listenerTerminatesTls(l.listener)
        ? listenerCertificateSecrets(l.listener).flatMap(s => {
            const c = model.credentials.find(
              x => x.namespace === s.namespace && x.name === s.name,
            );
            const coverage =
              c?.certificate &&
              certificateCoverage(c.certificate, l.hostnames, c);
            return coverage && coverage.ok && coverage.note
              ? [coverage.note]
              : [];
          })
        : [];
      return `on ${where}${covered.length ? `, ${covered[0]}` : ''}`;
    });
    return answer(findings, notes);
  }
}

/** A Gateway API Gateway as the gateway picker shows it. */
function templateK8sGateway(g: K8sGateway): TemplateGateway {
  // the listeners that take HTTPRoutes at all (kind and protocol; which
  // namespaces they take them from is the host check's to judge)
  const listeners = g.listeners.filter(
    l =>
      listenerAcceptsRoute(
        g,
        {
          ...l,
          allowedRoutes: { ...l.allowedRoutes, namespaces: { from: 'All' } },
        },
        g.namespace,
        {},
      ).accepted !== false,
  );
  return {
    ref: g.ref,
    api: 'gateway-api',
    hosts: [...new Set(listeners.map(l => l.hostname ?? '*'))],
    listeners: listeners.map(l => {
      const certificateRefs = listenerTerminatesTls(l)
        ? listenerCertificateSecrets(l).map(s => `${s.namespace}/${s.name}`)
        : undefined;
      return {
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        ...(l.hostname && { hostname: l.hostname }),
        allowedRoutesFrom: l.allowedRoutes.namespaces.from,
        ...(certificateRefs && { certificateRefs }),
      };
    }),
  };
}
