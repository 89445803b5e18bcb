/**
 * Helpers for Meshdeck's integration tests against a real cluster.
 *
 * @packageDocumentation
 */
export * from './testCluster';
export * from './testCertificates';
export * from './testObjects';
export * from './faultProxy';
