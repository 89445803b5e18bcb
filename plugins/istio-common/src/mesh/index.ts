/**
 * The mesh model and rule book: Istio and Kubernetes objects parsed once into
 * typed values, and rules as plain functions over them that return Findings.
 * The status API, the scaffolder's form fields and every action's pre-flight
 * call these same rules.
 */
export * from './hosts';
export * from './rules/certificates';
export * from './model';
export * from './parse';
export * from './rules';
export * from './pods';
export * from './namespaces';
export * from './rules/sidecars';
export * from './rules/injection';
export * from './labels';
export * from './gatewayApi';
export * from './ambient';
export * from './rules/ambient';
