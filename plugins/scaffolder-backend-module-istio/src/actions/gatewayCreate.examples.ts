import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A dedicated HTTPS gateway with its own certificate secret and an HTTP redirect',
    example: yaml.stringify({
      steps: [
        {
          id: 'gateway',
          action: 'istio:gateway:create',
          name: 'HTTPS gateway',
          input: {
            cluster: 'eks-prod',
            name: 'shop-gateway',
            namespace: 'istio-ingress',
            hosts: ['shop.example.com'],
            credentialName: 'shop-example-com-cert',
            httpsRedirect: true,
          },
        },
      ],
    }),
  },
];
