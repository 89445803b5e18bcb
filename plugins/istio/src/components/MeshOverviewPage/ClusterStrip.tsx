import { OverviewCluster } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import Alert from '@material-ui/lab/Alert';
import { clusterLabel } from '../common/meshSummary';

const KIND_TEXT: Record<OverviewCluster['errors'][number]['kind'], string> = {
  unreachable: 'unreachable',
  forbidden: 'not allowed',
  timeout: 'timed out',
  invalid: 'invalid answer',
  other: 'error',
};

const useStyles = makeStyles(theme => ({
  strip: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  },
  cluster: {
    padding: theme.spacing(0.75, 1.5),
    maxWidth: '100%',
  },
  line: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    columnGap: theme.spacing(1.5),
  },
}));

/**
 * What a cluster's errors mean for the page: with Kubernetes unread, its
 * rows are missing; with ACM unread, its certificates lack the ACM side.
 */
function ClusterErrorList(props: { cluster: OverviewCluster }) {
  const { cluster } = props;
  if (cluster.errors.length === 0) {
    return null;
  }
  return (
    <Box data-testid={`cluster-errors-${cluster.name}`}>
      {cluster.errors.map((error, i) => (
        <Box key={i} mt={0.5} mb={0.5}>
          <Alert
            severity={error.source === 'kubernetes' ? 'error' : 'warning'}
            style={{ padding: '0 12px' }}
          >
            <strong>
              {error.source === 'acm' ? 'ACM' : 'Kubernetes'}{' '}
              {KIND_TEXT[error.kind]}:
            </strong>{' '}
            {error.message}
            {error.source === 'kubernetes'
              ? ' — what this cluster did not answer is missing below.'
              : ' — certificates below lack the ACM side.'}
          </Alert>
        </Box>
      ))}
    </Box>
  );
}

/**
 * One box per cluster: its control planes, a link into its Kiali, and what
 * could not be read, so a broken cluster is seen next to the data of the
 * others.
 */
export function ClusterStrip(props: { clusters: OverviewCluster[] }) {
  const classes = useStyles();
  return (
    <div className={classes.strip}>
      {props.clusters.map(cluster => (
        <Paper
          key={cluster.name}
          variant="outlined"
          className={classes.cluster}
          data-testid={`cluster-${cluster.name}`}
        >
          <div className={classes.line}>
            <Typography variant="subtitle2" component="h2">
              {clusterLabel(cluster)}
            </Typography>
            <Typography variant="body2" color="textSecondary">
              {cluster.controlPlane.length > 0
                ? cluster.controlPlane
                    .map(
                      p =>
                        `istiod ${
                          p.version ?? '(version unknown)'
                        } · revision ${p.revision}`,
                    )
                    .join('; ')
                : 'No Istio control plane found'}
            </Typography>
            {cluster.kialiUrl ? (
              <Button
                size="small"
                color="primary"
                href={cluster.kialiUrl}
                target="_blank"
                rel="noopener noreferrer"
                endIcon={<OpenInNewIcon fontSize="small" />}
                data-testid="link-kiali-cluster"
                style={{ textTransform: 'none', padding: '0 4px' }}
              >
                Open in Kiali
              </Button>
            ) : (
              <Typography
                variant="caption"
                color="textSecondary"
                data-testid="kiali-hint"
              >
                Kiali link: set{' '}
                <code>istio.clusters[{cluster.name}].kiali.baseUrl</code>
              </Typography>
            )}
          </div>
          <ClusterErrorList cluster={cluster} />
        </Paper>
      ))}
    </div>
  );
}
