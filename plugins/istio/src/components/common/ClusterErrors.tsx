import { ClusterStatus } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';

const KIND_TEXT: Record<ClusterStatus['errors'][number]['kind'], string> = {
  unreachable: 'unreachable',
  forbidden: 'not allowed',
  timeout: 'timed out',
  invalid: 'invalid answer',
  other: 'error',
};

/**
 * A cluster's errors, inline: what failed and why. The rest of what the
 * cluster answered stays visible.
 */
export function ClusterErrors(props: { cluster: ClusterStatus }) {
  const { cluster } = props;
  if (cluster.errors.length === 0) {
    return null;
  }
  const whole =
    cluster.workloads.length === 0 &&
    cluster.errors.some(e => e.source === 'kubernetes');
  return (
    <Box my={1} data-testid="cluster-errors">
      {cluster.errors.map((error, i) => (
        <Box key={i} mb={0.5}>
          <Alert severity={whole ? 'error' : 'warning'}>
            <strong>
              {error.source === 'acm' ? 'ACM' : `Cluster ${cluster.name}`}{' '}
              {KIND_TEXT[error.kind]}
              {whole && error.source === 'kubernetes'
                ? ''
                : ' (partial answer)'}
              :
            </strong>{' '}
            {error.message}
          </Alert>
        </Box>
      ))}
    </Box>
  );
}
