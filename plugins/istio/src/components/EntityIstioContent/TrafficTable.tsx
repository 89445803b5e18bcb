import { conditionHealthy } from '@meshdeck/plugin-istio-common';
import { Link, Table, TableColumn } from '@backstage/core-components';
import {
  ClusterStatus,
  GatewayApiConditionStatus,
  HttpRouteTraffic,
  K8sGatewayTraffic,
  kialiConfigKey,
} from '@meshdeck/plugin-istio-common';
import { Fragment } from 'react';
import { Breakable, WRAP_WORDS } from '../common/Breakable';
import {
  conditionsText,
  conditionTone,
  Tone,
  worstTone,
} from '../common/meshSummary';
import { ToneText } from '../common/VerdictBadge';
import { FIT_CONTENT, TABLE_OPTIONS, withClusterColumn } from './clusterColumn';

/** One line of a Gateway API object's status, e.g. "Accepted, Programmed". */
export type StatusPart = { text: string; tone: Tone };

type Row = {
  id: string;
  cluster: string;
  kind: string;
  ref: string;
  url?: string;
  hosts: string[];
  details: string;
  /** Gateway API objects: their conditions and, for Gateways, the Deployment. */
  status?: StatusPart[];
};

const GATEWAY_API = 'gateway.networking.k8s.io';

/**
 * A Service's DNS name (`name.namespace.svc.cluster.local`) as its short
 * name when it is in `namespace`, the namespace of the route that names it;
 * any other name as it is.
 */
export function serviceName(host: string, namespace: string): string {
  const m = /^([^.]+)\.([^.]+)\.svc(\.cluster\.local)?$/.exec(host);
  return m && m[2] === namespace ? m[1] : host;
}

const namespaceOf = (ref: string) => ref.split('/')[0];

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
  const namespace = namespaceOf(route.ref);
  const parents = route.parents
    .map(
      p => `${p.gateway}${p.sectionName ? ` (listener ${p.sectionName})` : ''}`,
    )
    .join(', ');
  const rules = route.rules
    .map(r => {
      const share = shares(r.backends);
      return `${r.matches.join(' | ')} → ${r.backends
        .map(
          (b, i) =>
            `${serviceName(b.service, namespace)}${b.port ? `:${b.port}` : ''}${
              share[i]
            }`,
        )
        .join(', ')}`;
    })
    .join('; ');
  return `via ${parents || 'no Gateway'}: ${rules}`;
}

const NOT_REPORTED: StatusPart = {
  text: 'not reported by a controller yet',
  tone: 'neutral',
};

/** Conditions as one part, coloured by the worst of them. */
function conditionsPart(
  conditions: readonly GatewayApiConditionStatus[],
  prefix = '',
): StatusPart {
  if (conditions.length === 0) {
    return { ...NOT_REPORTED, text: `${prefix}${NOT_REPORTED.text}` };
  }
  return {
    text: `${prefix}${conditionsText(conditions)}`,
    tone: worstTone(conditions.map(conditionTone)),
  };
}

/** Each parent Gateway's conditions for the route. */
export function httpRouteStatus(route: HttpRouteTraffic): StatusPart[] {
  return route.parents.map(p => conditionsPart(p.conditions, `${p.gateway}: `));
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

/**
 * A Gateway's status in a few parts: its own conditions, then only the
 * listener conditions that are unhealthy (`Conflicted=False` is healthy),
 * then the readiness of the Deployment istiod runs it in, e.g. "Accepted,
 * Programmed" and "Deployment public-istio 1/1 ready".
 */
export function k8sGatewayStatus(gateway: K8sGatewayTraffic): StatusPart[] {
  const listeners = gateway.listeners.flatMap(l => {
    const unhealthy = (l.conditions ?? []).filter(c => !conditionHealthy(c));
    return unhealthy.length > 0
      ? [conditionsPart(unhealthy, `listener ${l.name}: `)]
      : [];
  });
  const deployment = gateway.deployment
    ? [deploymentPart(gateway.deployment)]
    : [];
  return [conditionsPart(gateway.conditions), ...listeners, ...deployment];
}

/** The Deployment's readiness: a warning while some replicas are not ready. */
function deploymentPart(
  d: NonNullable<K8sGatewayTraffic['deployment']>,
): StatusPart {
  if (!d.exists) {
    return { text: `Deployment ${d.name} missing`, tone: 'error' };
  }
  const text = `Deployment ${d.name} ${d.readyReplicas}/${d.desired} ready`;
  if (d.ready) {
    return { text, tone: 'ok' };
  }
  return { text, tone: d.readyReplicas > 0 ? 'warning' : 'error' };
}

/**
 * Status parts as lines, each with its status light; neighbouring healthy
 * parts share a line ("Accepted, Programmed · Deployment public-istio 1/1
 * ready"), each problem has its own.
 */
export function statusLines(parts: readonly StatusPart[]): StatusPart[] {
  const lines: StatusPart[] = [];
  for (const part of parts) {
    const last = lines[lines.length - 1];
    if (last && last.tone === 'ok' && part.tone === 'ok') {
      lines[lines.length - 1] = {
        ...last,
        text: `${last.text} · ${part.text}`,
      };
    } else {
      lines.push(part);
    }
  }
  return lines;
}

function rows(cluster: ClusterStatus): Row[] {
  const { traffic, links } = cluster;
  const row = (
    kind: string,
    ref: string,
    hosts: string[],
    details: string,
    extra: { key?: string; status?: StatusPart[] } = {},
  ): Row => ({
    id: `${cluster.name}/${extra.key ?? kind}/${ref}`,
    cluster: cluster.name,
    kind,
    ref,
    url: links.kialiConfig?.[extra.key ?? `${kind}:${ref}`],
    hosts,
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
                    `${serviceName(d.host, namespaceOf(vs.ref))}${
                      d.subset ? `/${d.subset}` : ''
                    }${d.weight !== undefined ? ` ${d.weight}%` : ''}`,
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
    ...FIT_CONTENT,
  },
  {
    title: 'Name',
    field: 'ref',
    width: '160px',
    cellStyle: WRAP_WORDS,
    render: row => {
      const name = <Breakable text={row.ref} />;
      return row.url ? <Link to={row.url}>{name}</Link> : name;
    },
  },
  {
    title: 'Hosts',
    field: 'hosts',
    width: '170px',
    cellStyle: WRAP_WORDS,
    render: row =>
      row.hosts.map((host, i) => (
        <Fragment key={host}>
          {i > 0 && ', '}
          <Breakable text={host} />
        </Fragment>
      )),
  },
  // the rest of the width
  {
    title: 'Configuration',
    field: 'details',
    width: 'auto',
    cellStyle: WRAP_WORDS,
  },
];

/** Shown when Gateway API objects are listed. */
const statusColumn: TableColumn<Row> = {
  title: 'Status',
  field: 'status',
  width: '220px',
  cellStyle: WRAP_WORDS,
  render: row =>
    statusLines(row.status ?? []).map((line, i) => (
      <div key={i} data-testid="traffic-status">
        <ToneText tone={line.tone}>{line.text}</ToneText>
      </div>
    )),
};

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
