import {
  createApiFactory,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { istioApiRef } from './IstioApi';
import { IstioClient } from './IstioClient';

/**
 * The one factory of {@link istioApiRef}, used by both the legacy plugin and
 * the new frontend system's ApiBlueprint.
 *
 * @public
 */
export const istioApiFactory = createApiFactory({
  api: istioApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
  factory: ({ discoveryApi, fetchApi }) =>
    new IstioClient({ discoveryApi, fetchApi }),
});
