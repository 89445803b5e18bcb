import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { ClusterSummary } from '@meshdeck/plugin-istio-common';
import useAsync from 'react-use/esm/useAsync';
import { istioApiRef } from '../../api';

const LOCAL_CLUSTER_HINT = `# Local: start Backstage with a kubeconfig
KUBECONFIG=~/.kube/config ./run start

# Or in app-config.yaml
kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: eks-prod
          url: https://<api-server>
          authProvider: aws`;

function toolsLine(cluster: ClusterSummary): string {
  const tools = [
    cluster.kialiConfigured ? 'Kiali' : undefined,
    cluster.jaegerConfigured ? 'Jaeger' : undefined,
  ].filter(Boolean);
  return tools.length > 0
    ? `Links to ${tools.join(' and ')} configured`
    : 'Kiali and Jaeger links not configured';
}

/**
 * The service-mesh card of an entity's overview page.
 *
 * @public
 */
export function EntityIstioCard() {
  const istioApi = useApi(istioApiRef);
  const { value, loading, error } = useAsync(
    () => istioApi.getClusters(),
    [istioApi],
  );

  if (loading) {
    return (
      <InfoCard title="Service mesh">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="Service mesh">
        <ResponseErrorPanel error={error} />
      </InfoCard>
    );
  }
  const clusters = value?.clusters ?? [];
  if (clusters.length === 0) {
    return (
      <InfoCard title="Service mesh">
        <EmptyState
          missing="info"
          title="No Kubernetes cluster configured"
          description="Meshdeck reads the clusters of Backstage's Kubernetes configuration. Start Backstage with KUBECONFIG pointing at a cluster, or add one to kubernetes.clusterLocatorMethods:"
          action={
            <Typography component="pre" variant="body2">
              {LOCAL_CLUSTER_HINT}
            </Typography>
          }
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title="Service mesh" subheader="Clusters Meshdeck can read">
      <List dense>
        {clusters.map(cluster => (
          <ListItem key={cluster.name}>
            <ListItemText
              primary={cluster.title ?? cluster.name}
              secondary={`${cluster.name} · auth ${
                cluster.authProvider
              } · ${toolsLine(cluster)}`}
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
