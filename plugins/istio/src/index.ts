/**
 * Meshdeck's frontend plugin: the Istio service-mesh card for catalog entities.
 *
 * @packageDocumentation
 */

export { istioPlugin, EntityIstioCard } from './plugin';
export * from './api';
