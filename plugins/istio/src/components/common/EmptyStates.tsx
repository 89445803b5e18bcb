import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';

/** For an entity that no Kubernetes annotation maps to workloads. */
export function MissingAnnotationsState(props: { entity: Entity }) {
  const name = props.entity.metadata.name;
  const snippet = `metadata:
  annotations:
    backstage.io/kubernetes-id: ${name}
    # optional: narrow it down
    backstage.io/kubernetes-namespace: <namespace>
    backstage.io/kubernetes-label-selector: 'app=${name}'`;
  return (
    <EmptyState
      missing="field"
      title="Not mapped to Kubernetes workloads"
      description={`Meshdeck finds ${name}'s pods through Backstage's Kubernetes annotations. Add backstage.io/kubernetes-id (and label the pods with it) or a label selector to catalog-info.yaml:`}
      action={<CodeSnippet language="yaml" text={snippet} />}
    />
  );
}

/** For a Backstage that has no cluster configured. */
export function NoClustersState() {
  const snippet = `# Local: start Backstage with a kubeconfig
KUBECONFIG=~/.kube/config ./run start

# Or in app-config.yaml
kubernetes:
  clusterLocatorMethods:
    - type: config
      clusters:
        - name: eks-prod
          url: https://<api-server>
          authProvider: aws`;
  return (
    <EmptyState
      missing="info"
      title="No Kubernetes cluster configured"
      description="Meshdeck reads the clusters of Backstage's Kubernetes configuration. Start Backstage with KUBECONFIG pointing at a cluster, or add one to kubernetes.clusterLocatorMethods:"
      action={<CodeSnippet language="yaml" text={snippet} />}
    />
  );
}
