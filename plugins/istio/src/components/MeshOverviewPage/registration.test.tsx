import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { meshOverview } from '../../__fixtures__/meshOverview';
import { IstioApi, istioApiRef } from '../../api';
import istioPlugin from '../../alpha';
import { IstioMeshPage } from '../../plugin';
import { Route, Routes } from 'react-router-dom';

const api = {
  getOverview: async () => meshOverview(),
} as unknown as IstioApi;

describe('the /mesh page in the new frontend system', () => {
  it('is mounted at /mesh with a "Service mesh" header and sidebar item', async () => {
    renderTestApp({
      features: [istioPlugin],
      initialRouteEntries: ['/mesh?tab=hosts'],
      apis: [[istioApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    // the page, with the tab from the address
    expect(
      await screen.findByText('api.shop.example.com', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Service mesh' }),
    ).toBeInTheDocument();

    // configurable as page:istio/mesh (e.g. its path) under app.extensions
    expect(() => istioPlugin.getExtension('page:istio/mesh')).not.toThrow();

    // the app's nav lists it, by the page's title and icon
    const nav = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(nav).getByRole('link', { name: /Service mesh/ }),
    ).toHaveAttribute('href', '/mesh');
  });
});

describe('the /mesh page in legacy apps', () => {
  it('is the routable extension IstioMeshPage, with its own header', async () => {
    // the app's <Route path="/mesh" element={<IstioMeshPage />} />
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, api]]}>
        <Routes>
          <Route path="/mesh" element={<IstioMeshPage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/mesh'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('*.shop.example.com', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Service mesh' }),
    ).toBeInTheDocument();
  });
});
