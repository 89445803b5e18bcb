import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Expose a service on the shared ingress gateway',
    example: yaml.stringify({
      steps: [
        {
          id: 'route',
          action: 'istio:virtualservice:create',
          name: 'Route',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'shop',
            hosts: ['checkout.example.com'],
            gateways: ['istio-ingress/public-gateway'],
            routes: [
              {
                destinations: [{ host: 'checkout', port: 8080 }],
                timeout: '10s',
                retries: { attempts: 3, perTryTimeout: '2s' },
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'A 90/10 canary between two subsets',
    example: yaml.stringify({
      steps: [
        {
          id: 'canary',
          action: 'istio:virtualservice:create',
          name: 'Canary route',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'shop',
            hosts: ['checkout.example.com'],
            gateways: ['istio-ingress/public-gateway'],
            routes: [
              {
                destinations: [
                  { host: 'checkout', port: 8080, subset: 'v1', weight: 90 },
                  { host: 'checkout', port: 8080, subset: 'v2', weight: 10 },
                ],
              },
            ],
          },
        },
      ],
    }),
  },
];
