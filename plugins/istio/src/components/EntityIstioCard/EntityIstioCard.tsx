import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ClusterStatus, MeshStatus } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment } from 'react';
import { ClusterErrors } from '../common/ClusterErrors';
import {
  MissingAnnotationsState,
  NoClustersState,
} from '../common/EmptyStates';
import { MeshLinks } from '../common/MeshLinks';
import {
  certificateLine,
  certificateTone,
  clusterLabel,
  dataplaneSummary,
  mtlsSummary,
  sidecarSummary,
  usesAmbient,
} from '../common/meshSummary';
import { TopologyDiagram } from '../common/TopologyDiagram';
import { useMeshStatus } from '../common/useMeshStatus';
import { ToneText, VerdictBadge } from '../common/VerdictBadge';

const useStyles = makeStyles(theme => ({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.75),
    alignItems: 'baseline',
    margin: theme.spacing(1, 0, 1.5),
  },
  term: { color: theme.palette.text.secondary, fontWeight: 500 },
  section: { marginTop: theme.spacing(1.5), marginBottom: theme.spacing(0.5) },
}));

function ClusterSummary(props: { cluster: ClusterStatus; many: boolean }) {
  const classes = useStyles();
  const { cluster, many } = props;
  const sidecars = sidecarSummary(cluster);
  const ambient = usesAmbient(cluster);
  const dataplane = ambient ? dataplaneSummary(cluster) : undefined;
  // the sidecar line only where sidecars are used (or expected)
  const showSidecars = !ambient || sidecars.total > 0;
  const mtls = mtlsSummary(cluster);
  const nothingFound =
    cluster.workloads.length === 0 && cluster.errors.length === 0;
  const planes = cluster.controlPlane
    .map(
      p =>
        `istiod ${p.version ?? '?'}${
          p.revision !== 'default' ? ` (${p.revision})` : ''
        }`,
    )
    .join(', ');

  return (
    <Box data-testid={`mesh-cluster-${cluster.name}`}>
      {many && (
        <Typography variant="subtitle2" className={classes.section}>
          {clusterLabel(cluster)}
        </Typography>
      )}
      <ClusterErrors cluster={cluster} />
      {nothingFound ? (
        <Typography variant="body2" color="textSecondary">
          No pods of this entity in {clusterLabel(cluster)}. Check that its pods
          carry the label of its <code>backstage.io/kubernetes-id</code>{' '}
          annotation.
        </Typography>
      ) : (
        <div className={classes.facts}>
          {dataplane && (
            <>
              <span className={classes.term}>Data plane</span>
              <span data-testid="mesh-dataplane">
                <ToneText tone={dataplane.tone}>{dataplane.text}</ToneText>
              </span>
            </>
          )}
          {showSidecars && (
            <>
              <span className={classes.term}>Sidecars</span>
              <div data-testid="mesh-sidecars">
                <ToneText
                  tone={sidecars.injected === sidecars.total ? 'ok' : 'warning'}
                >
                  {`${sidecars.injected}/${sidecars.total} pods`}
                </ToneText>
                {sidecars.problem && (
                  <Typography
                    variant="body2"
                    color="textSecondary"
                    data-testid="mesh-sidecar-problem"
                  >
                    {sidecars.problem}
                  </Typography>
                )}
              </div>
            </>
          )}
          <span className={classes.term}>Injection</span>
          <span data-testid="mesh-injection">{sidecars.injection}</span>
          <span className={classes.term}>mTLS</span>
          <span data-testid="mesh-mtls">
            {mtls ? (
              <ToneText
                tone={mtls === 'STRICT' ? 'ok' : 'warning'}
              >{`${mtls}`}</ToneText>
            ) : (
              '—'
            )}
          </span>
          {planes && (
            <>
              <span className={classes.term}>Control plane</span>
              <span>{planes}</span>
            </>
          )}
          {cluster.certificates.length > 0 && (
            <>
              <span className={classes.term}>Certificates</span>
              <span>
                {cluster.certificates.map(c => (
                  <div
                    key={`${c.secret.namespace}/${
                      c.secret.name
                    }/${c.hosts.join()}`}
                    data-testid="mesh-certificate"
                  >
                    <ToneText tone={certificateTone(c)}>
                      <strong>{c.hosts.join(', ')}</strong>
                      {` — ${certificateLine(c)}`}
                    </ToneText>
                  </div>
                ))}
              </span>
            </>
          )}
        </div>
      )}
      {!nothingFound && <TopologyDiagram topology={cluster.topology} />}
      <Box mt={1.5}>
        <MeshLinks cluster={cluster} showName={many} />
      </Box>
    </Box>
  );
}

function findingsLine(status: MeshStatus): string {
  const findings = status.clusters.flatMap(c => c.findings);
  const errors = findings.filter(f => f.severity === 'error').length;
  const warnings = findings.filter(f => f.severity === 'warning').length;
  if (errors + warnings === 0) {
    return 'No findings';
  }
  return [
    errors ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : '',
    warnings ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The service-mesh card of an entity's overview page: verdict, the data
 * plane (where ambient mode is involved), sidecars (where they are used),
 * mTLS, certificates, route topology and links into Kiali and Jaeger.
 *
 * @public
 */
export function EntityIstioCard() {
  const { entity, mapped, value, loading, error } = useMeshStatus();
  const entityRoute = useRouteRef(entityRouteRef);
  const title = 'Service mesh';

  if (!mapped) {
    return (
      <InfoCard title={title}>
        <MissingAnnotationsState entity={entity} />
      </InfoCard>
    );
  }
  if (loading && !value) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  if (error || !value) {
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel error={error ?? new Error('No answer')} />
      </InfoCard>
    );
  }
  if (value.clusters.length === 0) {
    return (
      <InfoCard title={title}>
        <NoClustersState />
      </InfoCard>
    );
  }
  const many = value.clusters.length > 1;
  const detailsLink = `${entityRoute({
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase(
      'en-US',
    ),
    name: entity.metadata.name,
  })}/mesh`;
  return (
    <InfoCard
      title={title}
      subheader={`${findingsLine(value)} · ${
        many
          ? `${value.clusters.length} clusters`
          : clusterLabel(value.clusters[0])
      }`}
      action={
        <Box pt={2} pr={1}>
          <VerdictBadge verdict={value.verdict} />
        </Box>
      }
      deepLink={{ title: 'Mesh details and findings', link: detailsLink }}
    >
      {value.clusters.map((cluster, i) => (
        <Fragment key={cluster.name}>
          {i > 0 && <Divider style={{ margin: '16px 0' }} />}
          <ClusterSummary cluster={cluster} many={many} />
        </Fragment>
      ))}
    </InfoCard>
  );
}
