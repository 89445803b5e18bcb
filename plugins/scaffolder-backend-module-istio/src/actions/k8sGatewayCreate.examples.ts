import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'A Gateway API Gateway (class istio) with an HTTPS listener that takes routes from team namespaces',
    example: yaml.stringify({
      steps: [
        {
          id: 'gateway',
          action: 'istio:gatewayapi:gateway:create',
          name: 'Gateway',
          input: {
            cluster: 'eks-prod',
            name: 'shop',
            namespace: 'istio-ingress',
            listeners: [
              {
                name: 'https',
                hostname: '*.shop.example.com',
                certificateRefs: [{ name: 'shop-example-com-cert' }],
                allowedRoutes: {
                  from: 'Selector',
                  selector: { 'meshdeck.io/ingress': 'shop' },
                },
              },
            ],
          },
        },
      ],
    }),
  },
  {
    description:
      'A Gateway whose certificate Secret lives in another namespace: the ReferenceGrant there is created too',
    example: yaml.stringify({
      steps: [
        {
          id: 'gateway',
          action: 'istio:gatewayapi:gateway:create',
          name: 'Gateway with a shared certificate',
          input: {
            cluster: 'eks-prod',
            name: 'checkout',
            namespace: 'istio-ingress',
            listeners: [
              {
                name: 'https',
                hostname: 'checkout.example.com',
                certificateRefs: [
                  { name: 'wildcard-example-com', namespace: 'certificates' },
                ],
                allowedRoutes: { from: 'All' },
              },
            ],
          },
        },
      ],
    }),
  },
];
