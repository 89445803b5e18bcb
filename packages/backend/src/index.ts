/*
 * The Meshdeck demo backend: the Backstage core plugins Meshdeck builds on
 * (catalog, scaffolder, kubernetes, permissions, guest auth) plus Meshdeck's
 * own backend plugin and scaffolder module.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// auth: guest sign-in for local use; see README for production providers
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permissions (allow-all locally; production policies plug in here)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

// scaffolder, with Meshdeck's istio:* actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@meshdeck/plugin-scaffolder-backend-module-istio'));
// publish:github:pull-request, for templates' GitOps delivery mode
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));

// kubernetes, sharing its cluster list with Meshdeck
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Meshdeck: mesh status of catalog entities
backend.add(import('@meshdeck/plugin-istio-backend'));

// notifications (Meshdeck's certificate notices to owners) and the signals
// that push them to open browsers
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// the actions of backend.actions.pluginSources (Meshdeck's read operations)
// as MCP tools at /api/mcp-actions/v1
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
