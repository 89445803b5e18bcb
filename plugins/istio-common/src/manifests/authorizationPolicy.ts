import { IstioApiVersions, Manifest, meshdeckLabels } from './types';

/** @public */
export type AllowRule = {
  /** Service accounts as `<namespace>/<serviceaccount>`. */
  serviceAccounts?: string[];
  namespaces?: string[];
  methods?: string[];
  paths?: string[];
};

/** @public */
export type AuthorizationPolicySpec = {
  name: string;
  namespace: string;
  /** Workload labels the policy applies to; the whole namespace when absent. */
  selector?: Record<string, string>;
  allow: AllowRule[];
  /** Also create an allow-nothing policy, so that only the rules above pass. */
  defaultDeny: boolean;
  /** Trust domain of SPIFFE principals. */
  trustDomain?: string;
  kubernetesId?: string;
};

/**
 * The SPIFFE principal Istio gives a service account.
 *
 * @public
 */
export function serviceAccountPrincipal(
  serviceAccount: string,
  trustDomain = 'cluster.local',
): string {
  const [namespace, name] = serviceAccount.split('/');
  return `${trustDomain}/ns/${namespace}/sa/${name}`;
}

/**
 * An ALLOW AuthorizationPolicy, plus with `defaultDeny` an allow-nothing
 * policy (`spec: {}`) named `<name>-default-deny` for the same workloads.
 *
 * @public
 */
export function buildAuthorizationPolicies(
  spec: AuthorizationPolicySpec,
  versions: IstioApiVersions,
): Manifest[] {
  const apiVersion = `security.istio.io/${versions.security}`;
  const labels = meshdeckLabels(spec.kubernetesId);
  const selector = spec.selector && {
    selector: { matchLabels: spec.selector },
  };
  const allow: Manifest = {
    apiVersion,
    kind: 'AuthorizationPolicy',
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    spec: {
      ...selector,
      action: 'ALLOW',
      rules: spec.allow.map(rule => {
        const principals = rule.serviceAccounts?.map(sa =>
          serviceAccountPrincipal(sa, spec.trustDomain),
        );
        const source = {
          ...(principals?.length && { principals }),
          ...(rule.namespaces?.length && { namespaces: rule.namespaces }),
        };
        const operation = {
          ...(rule.methods?.length && { methods: rule.methods }),
          ...(rule.paths?.length && { paths: rule.paths }),
        };
        return {
          ...(Object.keys(source).length > 0 && { from: [{ source }] }),
          ...(Object.keys(operation).length > 0 && { to: [{ operation }] }),
        };
      }),
    },
  };
  if (!spec.defaultDeny) {
    return [allow];
  }
  return [
    allow,
    {
      apiVersion,
      kind: 'AuthorizationPolicy',
      metadata: {
        name: `${spec.name}-default-deny`,
        namespace: spec.namespace,
        labels,
      },
      spec: { ...selector },
    },
  ];
}
