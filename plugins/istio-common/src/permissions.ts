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
 * Read the mesh overview of every cluster (the platform team's `/mesh`
 * page): certificates, public hosts, data plane and findings across all
 * entities. Not tied to one entity; entities the caller may not see are left
 * out of it.
 *
 * @public
 */
export const istioMeshReadPermission = createPermission({
  name: 'istio.mesh.read',
  attributes: { action: 'read' },
});

/**
 * Every permission the Istio plugins define.
 *
 * @public
 */
export const istioPermissions = [
  istioStatusReadPermission,
  istioCertificateRefreshPermission,
  istioMeshReadPermission,
];
