import type { BackendFeature } from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { authWithActors } from './authWithActors';

/**
 * The permission backend deciding with `policy`, and the real services
 * around it where the mocks would short-cut what a test checks: decisions
 * from the permission backend (conditional ones applied by the plugin that
 * owns the resource, such as the catalog), and credentials read from tokens
 * (a plugin calling on a user's behalf is that user with the plugin as
 * actor). The config needs `permission.enabled: true`.
 */
export function realPermissions(policy: BackendFeature): BackendFeature[] {
  return [
    permissionPlugin,
    policy,
    permissionsServiceFactory,
    authWithActors,
    httpAuthServiceFactory,
  ];
}
