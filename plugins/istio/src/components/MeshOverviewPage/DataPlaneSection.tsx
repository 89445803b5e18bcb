import { Table, TableColumn } from '@backstage/core-components';
import {
  MeshOverview,
  OverviewNamespace,
  OverviewProxyVersion,
} from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { WRAP_WORDS } from '../common/Breakable';
import { ToneText } from '../common/VerdictBadge';
import {
  FIT_CONTENT,
  withClusterColumn,
} from '../EntityIstioContent/clusterColumn';

/** As wide as the content, the header on one line too. */
const FIT = { ...FIT_CONTENT, headerStyle: { whiteSpace: 'nowrap' } } as const;

/** Narrow, but a long value may wrap. */
const NARROW = {
  width: '1%',
  headerStyle: { whiteSpace: 'nowrap' },
  cellStyle: { minWidth: 110 },
} as const;
import {
  namespaceLevel,
  levelTone,
  RevisionReadiness,
  upgradeReadiness,
} from './overviewModel';
import { Ownership, RefLinks } from './RefLinks';
import { SectionEmpty } from './SectionEmpty';
import {
  OWNERSHIP_COLUMN,
  PAGE_TABLE_OPTIONS,
  useTableStyles,
} from './tableOptions';

const pods = (n: number) => `${n} ${n === 1 ? 'pod' : 'pods'}`;

/** How the namespace joins the mesh. */
export function dataPlaneModeText(n: OverviewNamespace): string {
  switch (n.injection) {
    case 'sidecar':
      return 'sidecar';
    case 'revision':
      return `sidecar · revision ${n.revision ?? '?'}`;
    case 'ambient':
      return 'ambient';
    default:
      return 'not in the mesh';
  }
}

type NamespaceRow = OverviewNamespace & { id: string };

const namespaceColumns: TableColumn<NamespaceRow>[] = [
  {
    title: 'Namespace',
    field: 'name',
    ...FIT,
    render: row => <span data-testid="namespace-name">{row.name}</span>,
  },
  {
    title: 'Data plane',
    ...NARROW,
    render: row => (
      <span data-testid="namespace-mode">
        <ToneText tone={row.injection === 'none' ? 'neutral' : 'ok'}>
          {dataPlaneModeText(row)}
        </ToneText>
      </span>
    ),
  },
  {
    title: 'Pods',
    ...FIT,
    render: row => (
      <span data-testid="namespace-pods">
        {row.podsInMesh} in the mesh
        {' · '}
        {row.podsOutsideMesh > 0 && namespaceLevel(row) !== 'info' ? (
          <ToneText tone={levelTone[namespaceLevel(row)]}>
            {row.podsOutsideMesh} outside
          </ToneText>
        ) : (
          `${row.podsOutsideMesh} outside`
        )}
      </span>
    ),
  },
  {
    title: 'mTLS',
    ...FIT,
    render: row => (
      <>
        <ToneText tone={row.mtls === 'DISABLE' ? 'warning' : 'neutral'}>
          {row.mtls === 'UNSET' ? 'PERMISSIVE' : row.mtls}
        </ToneText>
        {row.mtls === 'UNSET' && (
          <Typography variant="caption" color="textSecondary" component="div">
            Istio's default
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Owned by',
    ...OWNERSHIP_COLUMN,
    render: row => (
      <Ownership
        entities={row.entities}
        owners={row.owners}
        none="no catalog entity"
      />
    ),
  },
];

type VersionRow = OverviewProxyVersion & { id: string; controlPlane?: string };

const versionColumns: TableColumn<VersionRow>[] = [
  {
    title: 'Revision',
    field: 'revision',
    ...FIT,
    render: row => (
      <>
        {row.revision}
        {row.controlPlane && (
          <Typography variant="caption" color="textSecondary" component="div">
            istiod {row.controlPlane}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Proxy version',
    ...FIT,
    render: row => (
      <span data-testid="proxy-version">
        <ToneText tone={row.outdated ? 'warning' : 'ok'}>
          {row.version}
          {row.outdated ? ' (older than its control plane)' : ''}
        </ToneText>
      </span>
    ),
  },
  { title: 'Pods', field: 'pods', type: 'numeric', ...FIT_CONTENT },
  {
    title: 'Namespaces and owners',
    width: 'auto',
    cellStyle: WRAP_WORDS,
    render: row => (
      <div data-testid="proxy-namespaces">
        {row.namespaces.map(n => (
          <div key={n.namespace}>
            {n.namespace}: {pods(n.pods)}
            {n.owners.length > 0 && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="span"
              >
                {n.owners.length > 1 ? ' · owners ' : ' · owner '}
                <RefLinks refs={n.owners} defaultKind="group" />
              </Typography>
            )}
          </div>
        ))}
      </div>
    ),
  },
];

/** One revision's upgrade readiness in a sentence. */
function ReadinessCard(props: { readiness: RevisionReadiness; many: boolean }) {
  const r = props.readiness;
  const name = `${props.many ? `${r.cluster} · ` : ''}revision ${r.revision}${
    r.version ? ` (istiod ${r.version})` : ''
  }`;
  const ready = r.outdatedPods === 0;
  return (
    <Paper variant="outlined" data-testid="upgrade-readiness">
      <Box p={1.5}>
        <Typography variant="subtitle2">{name}</Typography>
        <ToneText tone={ready ? 'ok' : 'warning'}>
          {ready
            ? `all ${pods(r.pods)} run the control plane's proxy`
            : `${r.outdatedPods} of ${pods(
                r.pods,
              )} still run an older proxy (${[
                ...new Set(r.outdatedVersions),
              ].join(', ')})`}
        </ToneText>
        {r.outdated.map(o => (
          <Typography
            key={o.namespace}
            variant="body2"
            component="div"
            style={{ marginLeft: 24 }}
          >
            {o.namespace}: {pods(o.pods)}
            {o.owners.length > 0 && (
              <>
                {o.owners.length > 1 ? ' · owners ' : ' · owner '}
                <RefLinks refs={o.owners} defaultKind="group" />
              </>
            )}
          </Typography>
        ))}
      </Box>
    </Paper>
  );
}

/**
 * The data plane: per namespace the mode, pods in and outside the mesh and
 * mTLS; per control-plane revision the proxies on each version, and how many
 * pods still run an older one (upgrade readiness).
 */
export function DataPlaneSection(props: {
  namespaces: OverviewNamespace[];
  proxyVersions: OverviewProxyVersion[];
  clusters: MeshOverview['clusters'];
  many: boolean;
  filtered: boolean;
}) {
  const classes = useTableStyles();
  const readiness = upgradeReadiness(props.proxyVersions, props.clusters);
  const namespaceRows = props.namespaces.map(n => ({
    ...n,
    id: `${n.cluster}/${n.name}`,
  }));
  const versionRows = props.proxyVersions.map(p => ({
    ...p,
    id: `${p.cluster}/${p.revision}/${p.version}`,
    controlPlane: props.clusters
      .find(c => c.name === p.cluster)
      ?.controlPlane.find(cp => cp.revision === p.revision)?.version,
  }));
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {namespaceRows.length === 0 ? (
          <SectionEmpty
            title="Namespaces"
            filtered={props.filtered}
            text="No namespace has pods or a mesh label."
          />
        ) : (
          <div data-testid="table-namespaces" className={classes.table}>
            <Typography variant="h6" component="h2" gutterBottom>
              Namespaces
            </Typography>
            <Table<NamespaceRow>
              options={PAGE_TABLE_OPTIONS}
              columns={withClusterColumn(namespaceColumns, props.many)}
              data={namespaceRows}
            />
          </div>
        )}
      </Grid>
      <Grid item xs={12}>
        {versionRows.length === 0 ? (
          <SectionEmpty
            title="Proxy versions"
            filtered={props.filtered}
            text="No pod runs an Istio proxy."
          />
        ) : (
          <>
            <Typography variant="h6" component="h2" gutterBottom>
              Upgrade readiness
            </Typography>
            <Box
              display="grid"
              gridGap={16}
              mb={2}
              className={classes.compact}
              style={{
                gridTemplateColumns: 'repeat(auto-fill, minmax(320px, 1fr))',
              }}
            >
              {readiness.map(r => (
                <ReadinessCard
                  key={`${r.cluster}/${r.revision}`}
                  readiness={r}
                  many={props.many}
                />
              ))}
            </Box>
            <div data-testid="table-proxy-versions" className={classes.table}>
              <Typography variant="h6" component="h2" gutterBottom>
                Proxy versions
              </Typography>
              <Table<VersionRow>
                options={PAGE_TABLE_OPTIONS}
                columns={withClusterColumn(versionColumns, props.many)}
                data={versionRows}
              />
            </div>
          </>
        )}
      </Grid>
    </Grid>
  );
}
