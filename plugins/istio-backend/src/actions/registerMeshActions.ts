import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { MeshQueries } from '../service/MeshQueries';
import { registerExpiringCertificatesAction } from './expiringCertificatesAction';
import { registerHostCheckAction } from './hostCheckAction';
import { registerMeshStatusAction } from './meshStatusAction';

/**
 * Registers Meshdeck's read operations in Backstage's actions registry, where
 * `@backstage/plugin-mcp-actions-backend` serves them as MCP tools when
 * `backend.actions.pluginSources` lists `istio`. Every action runs the same
 * `MeshQueries` method as its HTTP route, with the caller's credentials.
 */
export function registerMeshActions(options: {
  actionsRegistry: ActionsRegistryService;
  queries: MeshQueries;
}): void {
  registerMeshStatusAction(options);
  registerHostCheckAction(options);
  registerExpiringCertificatesAction(options);
}
