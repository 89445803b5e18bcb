import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read the mesh status of a catalog entity.
 *
 * @public
 */
export const istioStatusReadPermission = createPermission({
  name: 'istio.status.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * Ask external-secrets to re-sync a gateway certificate now.
 *
 * @public
 */
export const istioCertificateRefreshPermission = createPermission({
  name: 'istio.certificate.refresh',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * Every permission the Istio plugins define.
 *
 * @public
 */
export const istioPermissions = [
  istioStatusReadPermission,
  istioCertificateRefreshPermission,
];
