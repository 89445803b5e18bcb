import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { IstioApi, istioApiRef } from '../../api';
import { EntityIstioCard } from './EntityIstioCard';

function renderWith(api: IstioApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, api]]}>
      <EntityIstioCard />
    </TestApiProvider>,
  );
}

describe('EntityIstioCard', () => {
  it('lists the clusters with their Kiali/Jaeger set-up', async () => {
    await renderWith({
      getClusters: async () => ({
        clusters: [
          {
            name: 'eks-prod',
            title: 'Production',
            authProvider: 'aws',
            kialiConfigured: true,
            jaegerConfigured: true,
          },
          {
            name: 'testbed',
            authProvider: 'serviceAccount',
            kialiConfigured: false,
            jaegerConfigured: false,
          },
        ],
      }),
    });
    expect(await screen.findByText('Production')).toBeInTheDocument();
    expect(
      screen.getByText(
        'eks-prod · auth aws · Links to Kiali and Jaeger configured',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'testbed · auth serviceAccount · Kiali and Jaeger links not configured',
      ),
    ).toBeInTheDocument();
  });

  it('tells the user how to configure a cluster when there is none', async () => {
    await renderWith({ getClusters: async () => ({ clusters: [] }) });
    expect(
      await screen.findByText('No Kubernetes cluster configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/KUBECONFIG=~\/.kube\/config \.\/run start/),
    ).toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    await renderWith({
      getClusters: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });
});
