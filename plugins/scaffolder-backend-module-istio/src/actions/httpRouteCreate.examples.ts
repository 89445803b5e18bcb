import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Expose a service on the HTTPS listener of the platform's Gateway API Gateway",
    example: yaml.stringify({
      steps: [
        {
          id: 'route',
          action: 'istio:gatewayapi:httproute:create',
          name: 'HTTPRoute',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'shop',
            hostnames: ['checkout.example.com'],
            parentRefs: [
              {
                name: 'public',
                namespace: 'istio-ingress',
                sectionName: 'https',
              },
            ],
            rules: [
              {
                matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
                backendRefs: [{ name: 'checkout-api', port: 8080 }],
                timeouts: { request: '10s', backendRequest: '5s' },
              },
              { backendRefs: [{ name: 'checkout-web', port: 80 }] },
            ],
          },
        },
      ],
    }),
  },
  {
    description: 'A 90/10 canary between two Services by weighted backendRefs',
    example: yaml.stringify({
      steps: [
        {
          id: 'canary',
          action: 'istio:gatewayapi:httproute:create',
          name: 'Canary HTTPRoute',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'shop',
            hostnames: ['checkout.example.com'],
            parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
            rules: [
              {
                backendRefs: [
                  { name: 'checkout-v1', port: 8080, weight: 90 },
                  { name: 'checkout-v2', port: 8080, weight: 10 },
                ],
              },
            ],
          },
        },
      ],
    }),
  },
];
