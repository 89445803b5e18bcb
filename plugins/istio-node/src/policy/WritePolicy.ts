import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

function toRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Where templates may write, from `istio.scaffolder` in config. Nothing is
 * allowed unless configured: a template must not be able to write into
 * another team's namespace or bind to a gateway the platform team did not
 * open up.
 *
 * @public
 */
export class WritePolicy {
  static fromConfig(config: Config): WritePolicy {
    return new WritePolicy(
      config.getOptionalStringArray('istio.scaffolder.allowedNamespaces') ?? [],
      config.getOptionalStringArray('istio.scaffolder.allowedGateways') ?? [],
    );
  }

  private readonly namespaces: RegExp[];
  private readonly gateways: RegExp[];

  constructor(
    private readonly namespacePatterns: string[],
    private readonly gatewayPatterns: string[],
  ) {
    this.namespaces = namespacePatterns.map(toRegExp);
    this.gateways = gatewayPatterns.map(toRegExp);
  }

  /** True when templates may write into the namespace. */
  allowsNamespace(namespace: string): boolean {
    return this.namespaces.some(r => r.test(namespace));
  }

  /** True when templates may create or bind to the gateway `ns/name`. */
  allowsGateway(ref: string): boolean {
    return this.gateways.some(r => r.test(ref));
  }

  /** The allowed namespaces that are plain names, not patterns. */
  literalNamespaces(): string[] {
    return this.namespacePatterns.filter(p => !p.includes('*'));
  }

  /** Throws InputError naming every namespace and gateway that is not allowed. */
  assertAllowed(writes: { namespaces: string[]; gateways?: string[] }): void {
    const problems: string[] = [];
    for (const ns of writes.namespaces) {
      if (!this.allowsNamespace(ns)) {
        problems.push(
          `namespace '${ns}' is not in istio.scaffolder.allowedNamespaces (${
            this.namespacePatterns.join(', ') || 'none configured'
          })`,
        );
      }
    }
    for (const gw of writes.gateways ?? []) {
      if (!this.allowsGateway(gw)) {
        problems.push(
          `gateway '${gw}' is not in istio.scaffolder.allowedGateways (${
            this.gatewayPatterns.join(', ') || 'none configured'
          })`,
        );
      }
    }
    if (problems.length > 0) {
      throw new InputError(
        `Templates may not write there: ${problems.join('; ')}`,
      );
    }
  }
}
