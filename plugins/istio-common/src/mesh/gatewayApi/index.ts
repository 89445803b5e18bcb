/**
 * The Kubernetes Gateway API part of the rule book: Gateways, HTTPRoutes and
 * ReferenceGrants parsed into a typed model, and rules over it shared by the
 * status, the form fields and the actions' pre-flight.
 */
export * from './model';
export * from './parse';
export * from './hostnames';
export * from './attachment';
export * from './referenceGrants';
export * from './certificates';
export * from './routes';
export * from './gateways';
export * from './conditions';
