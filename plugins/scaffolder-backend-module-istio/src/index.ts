/**
 * Meshdeck's scaffolder actions (`istio:*`).
 *
 * @packageDocumentation
 */

export { scaffolderModuleIstio as default } from './module';
export { createMeshLinksAction } from './actions/meshLinks';
