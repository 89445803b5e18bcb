import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DestinationPolicy,
  matchesPattern,
} from '@meshdeck/plugin-istio-common';

/** What an action is about to write, for {@link WritePolicy.assertAllowed}. @public */
export type PlannedWrites = {
  /** Team namespaces written into (`istio.scaffolder.allowedNamespaces`). */
  namespaces?: string[];
  /** Gateways routes bind to (`istio.scaffolder.allowedGateways`). */
  gateways?: string[];
  /**
   * Gateways created or updated, as `namespace/name`: allowed by
   * `allowedGateways`, in a namespace of `gatewayNamespaces` or
   * `allowedNamespaces`.
   */
  createsGateways?: string[];
};

/**
 * What templates may do, from `istio.scaffolder` in config. Nothing is
 * allowed unless configured.
 *
 * - `allowedNamespaces`: the team namespaces templates write into.
 * - `allowedGateways`: the gateways (`namespace/name` patterns) routes may
 *   bind to, and that templates may create.
 * - `gatewayNamespaces`: platform namespaces where templates may create a
 *   dedicated Gateway (e.g. `istio-ingress`) without it becoming a team
 *   namespace.
 * - `allowedDestinations`: namespaces (or external hosts, with a dot) that a
 *   route may send traffic to beyond its own namespace. Write permission and
 *   reach are separate: a route written into `team-a` reaches `team-a` only.
 *
 * @public
 */
export class WritePolicy {
  static fromConfig(config: Config): WritePolicy {
    const list = (key: string) =>
      config.getOptionalStringArray(`istio.scaffolder.${key}`) ?? [];
    return new WritePolicy(list('allowedNamespaces'), list('allowedGateways'), {
      gatewayNamespaces: list('gatewayNamespaces'),
      allowedDestinations: list('allowedDestinations'),
    });
  }

  private readonly gatewayNamespaces: string[];
  private readonly allowedDestinations: string[];

  constructor(
    private readonly namespacePatterns: string[],
    private readonly gatewayPatterns: string[],
    options: {
      gatewayNamespaces?: string[];
      allowedDestinations?: string[];
    } = {},
  ) {
    this.gatewayNamespaces = options.gatewayNamespaces ?? [];
    this.allowedDestinations = options.allowedDestinations ?? [];
  }

  /** True when templates may write into the namespace. */
  allowsNamespace(namespace: string): boolean {
    return this.namespacePatterns.some(p => matchesPattern(p, namespace));
  }

  /**
   * True when templates may create a Gateway in the namespace
   * (`gatewayNamespaces`, or a team namespace).
   */
  allowsGatewayNamespace(namespace: string): boolean {
    return (
      this.gatewayNamespaces.some(p => matchesPattern(p, namespace)) ||
      this.allowsNamespace(namespace)
    );
  }

  /** True when routes may bind to the gateway `ns/name` (and templates create it). */
  allowsGateway(ref: string): boolean {
    return this.gatewayPatterns.some(p => matchesPattern(p, ref));
  }

  /** The allowed namespaces that are plain names, not patterns. */
  literalNamespaces(): string[] {
    return this.namespacePatterns.filter(p => !p.includes('*'));
  }

  /**
   * Where routes may send traffic, for the rule book. The gateway
   * namespaces (configured, and those of the allowed gateways) are protected:
   * reachable only when `allowedDestinations` names them literally.
   */
  destinationPolicy(): DestinationPolicy {
    const gatewayHomes = this.gatewayPatterns
      .map(p => p.split('/')[0])
      .filter(ns => ns && !ns.includes('*'));
    return {
      allowed: this.allowedDestinations,
      protectedNamespaces: [
        ...new Set([...this.gatewayNamespaces, ...gatewayHomes]),
      ],
      setting: 'istio.scaffolder.allowedDestinations',
    };
  }

  /** Throws InputError naming every write that is not allowed, and the setting that would allow it. */
  assertAllowed(writes: PlannedWrites): void {
    const configured = (patterns: string[]) =>
      patterns.join(', ') || 'none configured';
    const problems: string[] = [];
    for (const ns of writes.namespaces ?? []) {
      if (!this.allowsNamespace(ns)) {
        problems.push(
          `namespace '${ns}' is not in istio.scaffolder.allowedNamespaces (${configured(
            this.namespacePatterns,
          )})`,
        );
      }
    }
    for (const gw of writes.gateways ?? []) {
      if (!this.allowsGateway(gw)) {
        problems.push(
          `gateway '${gw}' is not in istio.scaffolder.allowedGateways (${configured(
            this.gatewayPatterns,
          )})`,
        );
      }
    }
    for (const gw of writes.createsGateways ?? []) {
      const ns = gw.split('/')[0];
      if (!this.allowsGateway(gw)) {
        problems.push(
          `gateway '${gw}' is not in istio.scaffolder.allowedGateways (${configured(
            this.gatewayPatterns,
          )})`,
        );
      }
      if (!this.allowsGatewayNamespace(ns)) {
        problems.push(
          `namespace '${ns}' is neither in istio.scaffolder.gatewayNamespaces (${configured(
            this.gatewayNamespaces,
          )}) nor a team namespace of istio.scaffolder.allowedNamespaces; add it to gatewayNamespaces to let templates create Gateways there`,
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
