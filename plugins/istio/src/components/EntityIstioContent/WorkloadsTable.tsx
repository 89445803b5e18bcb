import { Link, Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus, PodStatus } from '@meshdeck/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { MISSING_REASON_TEXT } from '../common/meshSummary';
import { TABLE_OPTIONS, withClusterColumn } from './clusterColumn';
import { ToneText } from '../common/VerdictBadge';

type Row = PodStatus & {
  id: string;
  cluster: string;
  workload: string;
  workloadUrl?: string;
  mtls?: string;
};

function resources(pod: PodStatus): string {
  const r = pod.sidecar.resources;
  if (!r) {
    return '';
  }
  const part = (label: string, values?: Record<string, string>) =>
    values && Object.keys(values).length > 0
      ? `${label} ${Object.entries(values)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`
      : '';
  return [part('req', r.requests), part('lim', r.limits)]
    .filter(Boolean)
    .join(' · ');
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Workload',
    field: 'workload',
    render: row =>
      row.workloadUrl ? (
        <Link to={row.workloadUrl}>{row.workload}</Link>
      ) : (
        row.workload
      ),
  },
  { title: 'Pod', field: 'name', cellStyle: { whiteSpace: 'nowrap' } },
  {
    title: 'Ready',
    field: 'ready',
    render: row => (
      <ToneText tone={row.ready ? 'ok' : 'warning'}>
        {row.ready ? 'ready' : row.phase}
      </ToneText>
    ),
  },
  { title: 'Restarts', field: 'restarts', type: 'numeric', width: '80px' },
  {
    title: 'Sidecar',
    cellStyle: { minWidth: 200 },
    render: row =>
      row.sidecar.injected ? (
        <ToneText tone={row.sidecar.ready === false ? 'warning' : 'ok'}>
          {`istio-proxy ${row.sidecar.version ?? ''}`.trim()}
          {row.sidecar.native ? ' (native)' : ''}
          {row.sidecar.revision ? ` · rev ${row.sidecar.revision}` : ''}
        </ToneText>
      ) : (
        <ToneText
          tone={row.sidecar.missingReason === 'ambient' ? 'neutral' : 'error'}
        >
          {`none: ${
            MISSING_REASON_TEXT[row.sidecar.missingReason ?? 'unknown']
          }`}
        </ToneText>
      ),
  },
  {
    title: 'Proxy resources',
    render: row => (
      <Typography variant="body2" color="textSecondary">
        {resources(row)}
      </Typography>
    ),
  },
  { title: 'mTLS', field: 'mtls', width: '110px' },
];

/** Every pod of the entity with its sidecar, grouped by workload. */
export function WorkloadsTable(props: {
  clusters: ClusterStatus[];
  many: boolean;
}) {
  const data: Row[] = props.clusters.flatMap(cluster =>
    cluster.workloads.flatMap(w =>
      w.pods.map(pod => ({
        ...pod,
        id: `${cluster.name}/${w.namespace}/${pod.name}`,
        cluster: cluster.name,
        workload: `${w.kind} ${w.namespace}/${w.name}`,
        workloadUrl: cluster.links.kialiWorkloads?.[`${w.namespace}/${w.name}`],
        mtls: w.mtls?.mode,
      })),
    ),
  );
  return (
    <Table<Row>
      title="Workloads and sidecars"
      options={TABLE_OPTIONS}
      columns={withClusterColumn(columns, props.many)}
      data={data}
    />
  );
}
