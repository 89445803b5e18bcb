import { Link, Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus } from '@meshdeck/plugin-istio-common';
import { TABLE_OPTIONS, withClusterColumn } from './clusterColumn';

type Row = {
  id: string;
  cluster: string;
  kind: string;
  ref: string;
  url?: string;
  hosts: string;
  details: string;
};

function rows(cluster: ClusterStatus): Row[] {
  const { traffic, links } = cluster;
  const row = (
    kind: string,
    ref: string,
    hosts: string[],
    details: string,
  ): Row => ({
    id: `${cluster.name}/${kind}/${ref}`,
    cluster: cluster.name,
    kind,
    ref,
    url: links.kialiConfig?.[`${kind}:${ref}`],
    hosts: hosts.join(', '),
    details,
  });
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

/** The Istio objects that route traffic to the entity, linked to Kiali. */
export function TrafficTable(props: {
  clusters: ClusterStatus[];
  many: boolean;
}) {
  return (
    <Table<Row>
      title="Traffic configuration"
      options={TABLE_OPTIONS}
      columns={withClusterColumn(columns, props.many)}
      data={props.clusters.flatMap(rows)}
    />
  );
}
