/**
 * Isomorphic types, constants, validators and URL builders shared by the
 * Meshdeck Istio plugins. Nothing here may depend on Node-only modules.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './clusters';
export * from './validation/names';
export * from './links/kiali';
export * from './links/jaeger';
export * from './mesh';
export * from './manifests';
export * from './inputs';
export * from './status/schema';
export * from './overview/schema';
export * from './templateFields';
