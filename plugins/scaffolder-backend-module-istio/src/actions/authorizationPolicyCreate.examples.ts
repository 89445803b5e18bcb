import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Only the frontend may call checkout, and only with GET and POST',
    example: yaml.stringify({
      steps: [
        {
          id: 'callers',
          action: 'istio:authorizationpolicy:create',
          name: 'Allowed callers',
          input: {
            cluster: 'eks-prod',
            name: 'checkout-callers',
            namespace: 'shop',
            selector: { app: 'checkout' },
            allow: [
              { serviceAccounts: ['shop/frontend'], methods: ['GET', 'POST'] },
            ],
            defaultDeny: true,
          },
        },
      ],
    }),
  },
];
