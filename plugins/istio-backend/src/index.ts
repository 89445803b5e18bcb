/**
 * Meshdeck's backend plugin (pluginId `istio`): reports the mesh status of
 * catalog entities.
 *
 * @packageDocumentation
 */

export { istioPlugin as default } from './plugin';
