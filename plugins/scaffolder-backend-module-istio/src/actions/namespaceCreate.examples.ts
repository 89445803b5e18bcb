import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'A namespace with sidecar injection and mTLS STRICT',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Mesh namespace',
          input: {
            cluster: 'eks-prod',
            name: 'shop',
            injection: 'sidecar',
            mtls: 'STRICT',
            kubernetesId: 'checkout',
            labels: { team: 'payments' },
          },
        },
      ],
    }),
  },
  {
    description:
      'A namespace on a canary control-plane revision, rendered for a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Mesh namespace',
          input: {
            cluster: 'eks-prod',
            name: 'shop',
            injection: 'revision',
            revision: '1-30',
            mode: 'render',
            renderPath: 'deploy/mesh',
          },
        },
      ],
    }),
  },
  {
    description:
      'An ambient namespace with a waypoint for L7 policy, enrolled to it (istio.io/use-waypoint)',
    example: yaml.stringify({
      steps: [
        {
          id: 'namespace',
          action: 'istio:namespace:create',
          name: 'Ambient namespace with a waypoint',
          input: {
            cluster: 'eks-prod',
            name: 'shop',
            injection: 'ambient',
            waypoint: 'waypoint',
            kubernetesId: 'checkout',
          },
        },
      ],
    }),
  },
];
