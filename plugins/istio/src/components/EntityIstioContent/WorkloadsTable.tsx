import { Link, Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus, PodStatus } from '@meshdeck/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { Breakable, WRAP_WORDS } from '../common/Breakable';
import {
  dataplaneMode,
  MISSING_REASON_TEXT,
  Tone,
  usesAmbient,
  usesSidecars,
  waypointName,
} from '../common/meshSummary';
import { FIT_CONTENT, TABLE_OPTIONS, withClusterColumn } from './clusterColumn';
import { ToneText } from '../common/VerdictBadge';

type Row = PodStatus & {
  id: string;
  cluster: string;
  namespace: string;
  workload: string;
  workloadUrl?: string;
  mtls?: string;
};

/** The pod's data plane in words, e.g. "ambient · captured · waypoint shop/waypoint". */
export function dataplaneText(pod: PodStatus): string {
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
          `waypoint ${waypointName(d.waypoint)}${
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
  width: 'auto',
  cellStyle: WRAP_WORDS,
  render: row => (
    <span data-testid="pod-dataplane">
      <ToneText tone={dataplaneTone(row)}>{dataplaneText(row)}</ToneText>
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

const workloadColumn: TableColumn<Row> = {
  title: 'Workload',
  field: 'workload',
  width: 'auto',
  cellStyle: WRAP_WORDS,
  render: row => {
    const text = <Breakable text={row.workload} />;
    return row.workloadUrl ? <Link to={row.workloadUrl}>{text}</Link> : text;
  },
};

const podColumns: TableColumn<Row>[] = [
  { title: 'Pod', field: 'name', ...FIT_CONTENT },
  {
    title: 'Ready',
    field: 'ready',
    ...FIT_CONTENT,
    render: row => (
      <ToneText tone={row.ready ? 'ok' : 'warning'}>
        {row.ready ? 'ready' : row.phase}
      </ToneText>
    ),
  },
  { title: 'Restarts', field: 'restarts', type: 'numeric', ...FIT_CONTENT },
];

const sidecarColumns: TableColumn<Row>[] = [
  {
    title: 'Sidecar',
    width: 'auto',
    cellStyle: WRAP_WORDS,
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
    width: 'auto',
    cellStyle: WRAP_WORDS,
    // compact: a mixed entity's table has eight columns
    render: row => (
      <Typography variant="caption" component="div" color="textSecondary">
        {resources(row)}
      </Typography>
    ),
  },
];

const mtlsColumn: TableColumn<Row> = {
  title: 'mTLS',
  field: 'mtls',
  ...FIT_CONTENT,
};

/**
 * The columns: the data plane where ambient mode is involved, the sidecar
 * and its resources where a pod has or should have one.
 */
function tableColumns(ambient: boolean, sidecars: boolean) {
  return [
    workloadColumn,
    ...podColumns,
    ...(ambient ? [dataplaneColumn] : []),
    ...(sidecars ? sidecarColumns : []),
    mtlsColumn,
  ];
}

/**
 * Every pod of the entity with its sidecar, grouped by workload; where
 * ambient mode is involved, also each pod's data plane (ambient, captured,
 * waypoint; sidecar; not in the mesh). An entity whose pods neither have nor
 * should have a sidecar gets no sidecar columns.
 */
export function WorkloadsTable(props: {
  clusters: ClusterStatus[];
  many: boolean;
}) {
  const ambient = props.clusters.some(usesAmbient);
  const sidecars = !ambient || props.clusters.some(usesSidecars);
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
      title={ambient ? 'Workloads and data plane' : 'Workloads and sidecars'}
      options={TABLE_OPTIONS}
      columns={withClusterColumn(tableColumns(ambient, sidecars), props.many)}
      data={data}
    />
  );
}
