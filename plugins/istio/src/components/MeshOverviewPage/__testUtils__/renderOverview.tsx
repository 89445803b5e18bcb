import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  MockFetchApi,
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { MeshOverview } from '@meshdeck/plugin-istio-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { rest } from 'msw';
import { SetupServer } from 'msw/node';
import { ReactElement } from 'react';
import { IstioApi, IstioClient, istioApiRef } from '../../../api';
import { BACKEND } from '../../../__testUtils__/renderWithBackend';

/** The backend answers `GET /v1/overview` with `body` (and `status`). */
export function answerOverview(
  server: SetupServer,
  body: MeshOverview | object,
  status = 200,
) {
  const calls = { count: 0 };
  server.use(
    rest.get(`${BACKEND}/v1/overview`, (_req, res, ctx) => {
      calls.count += 1;
      return res(ctx.status(status), ctx.json(body));
    }),
  );
  return calls;
}

/**
 * Renders the page at `path` (its query holds the tab and filters) with the
 * real IstioClient talking HTTP to the test's msw handlers, or with `api`.
 */
export function renderOverview(
  element: ReactElement,
  options: { path?: string; api?: IstioApi } = {},
) {
  const client =
    options.api ??
    new IstioClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
      fetchApi: new MockFetchApi(),
    });
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, client]]}>{element}</TestApiProvider>,
    {
      routeEntries: [options.path ?? '/mesh'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** The text of each body row of a table: `certificates`, `namespaces` … */
export function tableRows(name: string): string[] {
  const table = screen.getByTestId(`table-${name}`).querySelector('table')!;
  return Array.from(table.querySelectorAll('tbody tr')).map(
    tr => tr.textContent ?? '',
  );
}

/** Opens a tab by its title, e.g. "Public hosts". */
export function openTab(title: string) {
  fireEvent.click(
    within(screen.getByRole('tablist')).getByRole('tab', {
      name: new RegExp(`^${title} \\(`),
    }),
  );
}
