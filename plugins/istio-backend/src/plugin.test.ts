import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { istioPlugin } from './plugin';

const config = {
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'eks-prod',
            title: 'Production',
            url: 'https://prod.example.com',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token-that-must-not-leak',
          },
          {
            name: 'eks-dev',
            url: 'https://dev.example.com',
            authProvider: 'aws',
          },
        ],
      },
    ],
  },
  istio: {
    clusters: [
      {
        name: 'eks-prod',
        kiali: { baseUrl: 'https://kiali.example.com/kiali' },
      },
    ],
  },
};

describe('istio backend plugin', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        istioPlugin,
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    return server;
  }

  it('lists the configured clusters without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.user.header());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      clusters: [
        {
          name: 'eks-prod',
          title: 'Production',
          authProvider: 'serviceAccount',
          kialiConfigured: true,
          jaegerConfigured: false,
        },
        {
          name: 'eks-dev',
          authProvider: 'aws',
          kialiConfigured: false,
          jaegerConfigured: false,
        },
      ],
    });
    expect(res.text).not.toContain('token-that-must-not-leak');
    expect(res.text).not.toContain('prod.example.com');
  });

  it('rejects requests without valid credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/v1/clusters')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});
