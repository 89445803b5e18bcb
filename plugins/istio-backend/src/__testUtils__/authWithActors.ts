import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

const SERVICE_TOKEN_PREFIX = 'mock-service-token:';

/**
 * The mock auth service, except that a plugin calling another on behalf of
 * a user is a user with that plugin as actor — as with the real auth
 * service. The permission backend relies on this to tell a plugin's
 * conditional request (the catalog's) from a user's direct one, and
 * mcp-actions calls the istio plugin this way too. Backstage's own httpAuth
 * service reads requests through it.
 */
export const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const authenticate = auth.authenticate.bind(auth);
    auth.authenticate = (async (token: string, options?: any) => {
      const credentials = await authenticate(token, options);
      const onBehalfOf = token.startsWith(SERVICE_TOKEN_PREFIX)
        ? JSON.parse(token.slice(SERVICE_TOKEN_PREFIX.length)).obo
        : undefined;
      return onBehalfOf
        ? mockCredentials.user(onBehalfOf, {
            actor: { subject: 'plugin:caller' },
          })
        : credentials;
    }) as typeof auth.authenticate;
    return auth;
  },
});
