import { Entity } from '@backstage/catalog-model';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MockFetchApi,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { IstioClient, istioApiRef } from '../api';

/** Where the msw handlers answer: the backend as discovery resolves it. */
export const BACKEND = 'http://backend.test/api/istio';

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'checkout',
      'backstage.io/kubernetes-namespace': 'shop',
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

/**
 * Renders an entity-page component with the real IstioClient talking HTTP
 * to the msw handlers of the test.
 */
export function renderWithBackend(
  element: ReactElement,
  options: {
    entity?: Entity;
    refreshAllowed?: boolean;
  } = {},
) {
  const client = new IstioClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
    fetchApi: new MockFetchApi(),
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioApiRef, client],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.refreshAllowed
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <EntityProvider entity={options.entity ?? checkoutEntity}>
        {element}
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
