/*
 * Namespace injection parsing and the IST0123 rule live in the mesh rule book
 * of istio-common (`mesh/namespaces.ts`, `mesh/rules/injection.ts`); a
 * `V1Namespace` fits their structural namespace type.
 */
export {
  namespaceFindings,
  namespaceStatus,
} from '@meshdeck/plugin-istio-common';
