import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Subsets v1 and v2 of a Service, for a canary',
    example: yaml.stringify({
      steps: [
        {
          id: 'subsets',
          action: 'istio:destinationrule:create',
          name: 'Canary subsets',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'shop',
            host: 'checkout',
            subsets: [
              { name: 'v1', labels: { version: 'v1' } },
              { name: 'v2', labels: { version: 'v2' } },
            ],
            trafficPolicy: { tlsMode: 'ISTIO_MUTUAL' },
          },
        },
      ],
    }),
  },
];
