import {
  Content,
  ContentHeader,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { ClusterErrors } from '../common/ClusterErrors';
import {
  MissingAnnotationsState,
  NoClustersState,
} from '../common/EmptyStates';
import { MeshLinks } from '../common/MeshLinks';
import { clusterLabel, injectionText } from '../common/meshSummary';
import { TopologyDiagram } from '../common/TopologyDiagram';
import { useMeshStatus } from '../common/useMeshStatus';
import { VerdictBadge } from '../common/VerdictBadge';
import { CertificatesPanel } from './CertificatesPanel';
import { FindingsTable } from './FindingsTable';
import { TrafficTable } from './TrafficTable';
import { WorkloadsTable } from './WorkloadsTable';

/**
 * The entity's "Service mesh" tab: findings with fixes, every pod's sidecar,
 * the traffic objects, and each certificate's secret, ExternalSecret and ACM
 * side by side.
 *
 * @public
 */
export function EntityIstioContent() {
  const { entity, entityRef, mapped, value, loading, error, retry } =
    useMeshStatus();

  if (!mapped) {
    return (
      <Content>
        <MissingAnnotationsState entity={entity} />
      </Content>
    );
  }
  if (loading && !value) {
    return <Progress />;
  }
  if (error || !value) {
    return (
      <Content>
        <ResponseErrorPanel error={error ?? new Error('No answer')} />
      </Content>
    );
  }
  if (value.clusters.length === 0) {
    return (
      <Content>
        <NoClustersState />
      </Content>
    );
  }
  const many = value.clusters.length > 1;
  const findings = value.clusters.flatMap(c =>
    c.findings.map(f => ({ ...f, cluster: c.name })),
  );
  return (
    <Content noPadding>
      <ContentHeader title="Service mesh">
        <Box display="flex" alignItems="center">
          <Box mr={2}>
            <VerdictBadge verdict={value.verdict} />
          </Box>
          <Typography variant="caption" color="textSecondary">
            {value.cache?.hit
              ? `as of ${value.cache.ageSeconds}s ago`
              : 'just read'}
          </Typography>
          <Button
            size="small"
            startIcon={<RefreshIcon />}
            onClick={retry}
            disabled={loading}
            style={{ marginLeft: 8 }}
          >
            Reload
          </Button>
        </Box>
      </ContentHeader>
      <Grid container spacing={3}>
        {value.clusters.map(cluster => (
          <Grid item xs={12} key={cluster.name}>
            <InfoCard
              title={clusterLabel(cluster)}
              subheader={[
                cluster.namespaces
                  .map(ns => `${ns.name}: ${injectionText(ns)}`)
                  .join(' · '),
                cluster.controlPlane
                  .map(p => `istiod ${p.version ?? '?'} (${p.revision})`)
                  .join(', '),
              ]
                .filter(Boolean)
                .join(' — ')}
            >
              <ClusterErrors cluster={cluster} />
              <Grid container spacing={2}>
                <Grid item xs={12} md={7}>
                  <TopologyDiagram topology={cluster.topology} />
                </Grid>
                <Grid item xs={12} md={5}>
                  <MeshLinks cluster={cluster} />
                </Grid>
              </Grid>
            </InfoCard>
          </Grid>
        ))}
        <Grid item xs={12}>
          <FindingsTable findings={findings} many={many} />
        </Grid>
        <Grid item xs={12}>
          <WorkloadsTable clusters={value.clusters} many={many} />
        </Grid>
        <Grid item xs={12}>
          <CertificatesPanel
            clusters={value.clusters}
            entityRef={entityRef}
            onRefreshed={retry}
          />
        </Grid>
        <Grid item xs={12}>
          <TrafficTable clusters={value.clusters} many={many} />
        </Grid>
      </Grid>
    </Content>
  );
}
