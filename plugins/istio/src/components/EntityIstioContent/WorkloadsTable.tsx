import { Link, Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus, PodStatus } from '@meshdeck/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import {
  dataplaneMode,
  MISSING_REASON_TEXT,
  Tone,
  usesAmbient,
  waypointName,
} from '../common/meshSummary';
import { TABLE_OPTIONS, withClusterColumn } from './clusterColumn';
import { ToneText } from '../common/VerdictBadge';

type Row = PodStatus & {
  id: string;
  cluster: string;
  namespace: string;
  workload: string;
  workloadUrl?: string;
  mtls?: string;
};

/** The pod's data plane in words, e.g. "ambient · captured · waypoint shop-waypoint". */
export function dataplaneText(pod: PodStatus, namespace: string): string {
  const mode = dataplaneMode(pod);
  if (mode === 'sidecar') {
    return 'sidecar';
  }
  if (mode === 'none') {
    return 'not in the mesh';
  }
  const d = pod.dataplane;
  return [
    'ambient',
    ...(d?.captured === undefined
      ? []
      : [d.captured ? 'captured' : 'not captured']),
    ...(d?.waypoint
      ? [
          `waypoint ${waypointName(d.waypoint, namespace)}${
            d.waypoint.programmed === false ? ' (not programmed)' : ''
          }`,
        ]
      : []),
  ].join(' · ');
}

function dataplaneTone(pod: PodStatus): Tone {
  const d = pod.dataplane;
  if (dataplaneMode(pod) !== 'ambient') {
    return 'neutral';
  }
  return d?.captured === false || d?.waypoint?.programmed === false
    ? 'warning'
    : 'ok';
}

const dataplaneColumn: TableColumn<Row> = {
  title: 'Data plane',
  cellStyle: { minWidth: 180 },
  render: row => (
    <span data-testid="pod-dataplane">
      <ToneText tone={dataplaneTone(row)}>
        {dataplaneText(row, row.namespace)}
      </ToneText>
    </span>
  ),
};

/** Why there is no sidecar; a pod that opted out of ambient is not "ambient mode". */
function missingText(row: Row): string {
  if (
    row.sidecar.missingReason === 'ambient' &&
    row.dataplane?.mode === 'none'
  ) {
    return 'none: opted out of ambient mode';
  }
  return `none: ${MISSING_REASON_TEXT[row.sidecar.missingReason ?? 'unknown']}`;
}

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
          {missingText(row)}
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

/**
 * Every pod of the entity with its sidecar, grouped by workload; where
 * ambient mode is involved, also each pod's data plane (ambient, captured,
 * waypoint; sidecar; not in the mesh).
 */
export function WorkloadsTable(props: {
  clusters: ClusterStatus[];
  many: boolean;
}) {
  const ambient = props.clusters.some(usesAmbient);
  const data: Row[] = props.clusters.flatMap(cluster =>
    cluster.workloads.flatMap(w =>
      w.pods.map(pod => ({
        ...pod,
        id: `${cluster.name}/${w.namespace}/${pod.name}`,
        cluster: cluster.name,
        namespace: w.namespace,
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
      columns={withClusterColumn(
        ambient
          ? [...columns.slice(0, 4), dataplaneColumn, ...columns.slice(4)]
          : columns,
        props.many,
      )}
      data={data}
    />
  );
}
