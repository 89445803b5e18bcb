import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Links to Kiali and Jaeger for a service after onboarding it',
    example: yaml.stringify({
      steps: [
        {
          id: 'links',
          action: 'istio:mesh:links',
          name: 'Mesh links',
          input: {
            cluster: 'eks-prod',
            namespace: 'shop',
            app: 'checkout',
          },
        },
      ],
      output: {
        links: [
          {
            title: 'Open in Kiali',
            url: '${{ steps.links.output.kialiGraphUrl }}',
          },
          {
            title: 'Traces in Jaeger',
            url: '${{ steps.links.output.jaegerSearchUrl }}',
          },
        ],
      },
    }),
  },
];
