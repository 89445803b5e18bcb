import { Link, Table, TableColumn } from '@backstage/core-components';
import {
  ClusterStatus,
  GatewayApiConditionStatus,
  HttpRouteTraffic,
  K8sGatewayTraffic,
  kialiConfigKey,
} from '@meshdeck/plugin-istio-common';
import { TABLE_OPTIONS, withClusterColumn } from './clusterColumn';

type Row = {
  id: string;
  cluster: string;
  kind: string;
  ref: string;
  url?: string;
  hosts: string;
  details: string;
  /** Gateway API objects: their conditions and, for Gateways, the Deployment. */
  status?: string;
};

const GATEWAY_API = 'gateway.networking.k8s.io';

/** `Accepted`, `ResolvedRefs=False (RefNotPermitted)`, … */
export function conditionsText(
  conditions: readonly GatewayApiConditionStatus[],
): string {
  return conditions
    .map(c =>
      c.status === 'True'
        ? c.type
        : `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`,
    )
    .join(', ');
}

/** Each backend's share of a rule's requests, from the relative weights. */
function shares(backends: HttpRouteTraffic['rules'][number]['backends']) {
  const weights = backends.map(b => Math.max(0, b.weight ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map(w =>
    backends.length > 1 && total > 0
      ? ` ${Math.round((w / total) * 100)}%`
      : '',
  );
}

function httpRouteDetails(route: HttpRouteTraffic): string {
  const parents = route.parents
    .map(
      p => `${p.gateway}${p.sectionName ? ` (listener ${p.sectionName})` : ''}`,
    )
    .join(', ');
  const rules = route.rules
    .map(r => {
      const share = shares(r.backends);
      return `${r.matches.join(' | ')} → ${r.backends
        .map((b, i) => `${b.service}${b.port ? `:${b.port}` : ''}${share[i]}`)
        .join(', ')}`;
    })
    .join('; ');
  return `via ${parents || 'no Gateway'}: ${rules}`;
}

function httpRouteStatus(route: HttpRouteTraffic): string {
  return route.parents
    .map(
      p =>
        `${p.gateway}: ${
          conditionsText(p.conditions) || 'not reported by a controller yet'
        }`,
    )
    .join('; ');
}

function k8sGatewayDetails(gateway: K8sGatewayTraffic): string {
  return `class ${gateway.className}; ${gateway.listeners
    .map(
      l =>
        `${l.name} ${l.port}/${l.protocol}${
          l.hostname ? ` ${l.hostname}` : ''
        }${l.tlsMode ? ` TLS ${l.tlsMode}` : ''}${
          l.certificateRefs.length
            ? ` (secret ${l.certificateRefs.join(', ')})`
            : ''
        }${
          l.attachedRoutes !== undefined
            ? `, ${l.attachedRoutes} ${
                l.attachedRoutes === 1 ? 'route' : 'routes'
              }`
            : ''
        }`,
    )
    .join('; ')}`;
}

function k8sGatewayStatus(gateway: K8sGatewayTraffic): string {
  const d = gateway.deployment;
  const deployment = d
    ? `Deployment ${d.name}: ${
        d.exists ? `${d.readyReplicas}/${d.desired} ready` : 'missing'
      }`
    : undefined;
  const listeners = gateway.listeners
    .filter(l => l.conditions?.some(c => c.status !== 'True'))
    .map(l => `listener ${l.name}: ${conditionsText(l.conditions ?? [])}`);
  return [
    conditionsText(gateway.conditions) || 'not reported by a controller yet',
    ...listeners,
    ...(deployment ? [deployment] : []),
  ].join('; ');
}

function rows(cluster: ClusterStatus): Row[] {
  const { traffic, links } = cluster;
  const row = (
    kind: string,
    ref: string,
    hosts: string[],
    details: string,
    extra: { key?: string; status?: string } = {},
  ): Row => ({
    id: `${cluster.name}/${extra.key ?? kind}/${ref}`,
    cluster: cluster.name,
    kind,
    ref,
    url: links.kialiConfig?.[extra.key ?? `${kind}:${ref}`],
    hosts: hosts.join(', '),
    details,
    ...(extra.status !== undefined && { status: extra.status }),
  });
  const gatewayApiKey = (kind: string, ref: string) => {
    const [namespace, name] = ref.split('/');
    return kialiConfigKey({ group: GATEWAY_API, kind, namespace, name });
  };
  return [
    ...traffic.gateways.map(g =>
      row(
        'Gateway',
        g.ref,
        g.hosts,
        g.servers
          .map(
            s =>
              `${s.port}/${s.protocol ?? '?'}${
                s.tlsMode ? ` TLS ${s.tlsMode}` : ''
              }${s.credentialName ? ` (secret ${s.credentialName})` : ''}${
                s.httpsRedirect ? ' → HTTPS' : ''
              }`,
          )
          .join('; '),
      ),
    ),
    ...traffic.virtualServices.map(vs =>
      row(
        'VirtualService',
        vs.ref,
        vs.hosts,
        `via ${vs.gateways.join(', ') || 'mesh'}: ${vs.routes
          .map(
            r =>
              `${r.match ? `${r.match} → ` : ''}${r.destinations
                .map(
                  d =>
                    `${d.host}${d.subset ? `/${d.subset}` : ''}${
                      d.weight !== undefined ? ` ${d.weight}%` : ''
                    }`,
                )
                .join(', ')}`,
          )
          .join('; ')}`,
      ),
    ),
    ...traffic.destinationRules.map(dr =>
      row(
        'DestinationRule',
        dr.ref,
        [dr.host],
        `subsets ${
          dr.subsets
            .map(
              s =>
                `${s.name} (${Object.entries(s.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(',')})`,
            )
            .join(', ') || 'none'
        }`,
      ),
    ),
    ...traffic.authorizationPolicies.map(ap =>
      row(
        'AuthorizationPolicy',
        ap.ref,
        [],
        `${ap.action}, ${ap.rules} ${ap.rules === 1 ? 'rule' : 'rules'}`,
      ),
    ),
    ...(traffic.k8sGateways ?? []).map(g =>
      row(
        'Gateway (Gateway API)',
        g.ref,
        [...new Set(g.listeners.map(l => l.hostname ?? '*'))],
        k8sGatewayDetails(g),
        {
          key: gatewayApiKey('Gateway', g.ref),
          status: k8sGatewayStatus(g),
        },
      ),
    ),
    ...(traffic.httpRoutes ?? []).map(r =>
      row('HTTPRoute', r.ref, r.hostnames, httpRouteDetails(r), {
        key: gatewayApiKey('HTTPRoute', r.ref),
        status: httpRouteStatus(r),
      }),
    ),
  ];
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Kind',
    field: 'kind',
    cellStyle: { whiteSpace: 'nowrap' },
  },
  {
    title: 'Name',
    field: 'ref',
    render: row => (row.url ? <Link to={row.url}>{row.ref}</Link> : row.ref),
  },
  { title: 'Hosts', field: 'hosts' },
  { title: 'Configuration', field: 'details' },
];

/** Shown when Gateway API objects are listed. */
const statusColumn: TableColumn<Row> = { title: 'Status', field: 'status' };

/**
 * The Istio and Gateway API objects that route traffic to the entity,
 * linked to Kiali; Gateway API objects with their conditions and, for
 * Gateways, the readiness of the Deployment istiod runs them in.
 */
export function TrafficTable(props: {
  clusters: ClusterStatus[];
  many: boolean;
}) {
  const data = props.clusters.flatMap(rows);
  const withStatus = data.some(r => r.status !== undefined)
    ? [...columns, statusColumn]
    : columns;
  return (
    <Table<Row>
      title="Traffic configuration"
      options={TABLE_OPTIONS}
      columns={withClusterColumn(withStatus, props.many)}
      data={data}
    />
  );
}
