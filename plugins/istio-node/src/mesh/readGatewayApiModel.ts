import {
  emptyGatewayApiModel,
  GatewayApiModel,
  K8sGateway,
  listenerCertificateSecrets,
  Manifest,
  MeshCredential,
  parseHttpRoute,
  parseK8sGateway,
  parseReferenceGrant,
  parseService,
} from '@meshdeck/plugin-istio-common';
import { MeshClusterClient } from '../client/MeshClusterClient';
import {
  CustomResourceType,
  istioResources,
} from '../resources/istioResources';
import { meshCredential } from './readMeshModel';

/**
 * The public facts of the certificate Secrets the listeners of these
 * Gateways reference (core Secrets only; each read by name, never listed).
 *
 * @public
 */
export async function readListenerCredentials(
  client: MeshClusterClient,
  gateways: readonly K8sGateway[],
): Promise<MeshCredential[]> {
  const secrets = new Map<string, { namespace: string; name: string }>();
  for (const gateway of gateways) {
    for (const listener of gateway.listeners) {
      for (const s of listenerCertificateSecrets(listener)) {
        secrets.set(`${s.namespace}/${s.name}`, s);
      }
    }
  }
  return Promise.all(
    [...secrets.values()].map(async ({ namespace, name }) =>
      meshCredential(
        namespace,
        name,
        await client.readTlsCertificate(namespace, name),
      ),
    ),
  );
}

/**
 * Reads what the Gateway API rules need from a cluster: every Gateway,
 * HTTPRoute and ReferenceGrant (none when the cluster does not serve the
 * Gateway API), the Services of the given namespaces, the certificates of the
 * given Gateways' listeners (public fields only), the labels of the given
 * namespaces — and of the namespaces of routes on listeners that select
 * routes by namespace label — and the control planes.
 *
 * @public
 */
export async function readGatewayApiModel(
  client: MeshClusterClient,
  options: {
    serviceNamespaces?: string[];
    /** Gateways (`namespace/name`) whose listeners' certificates to read. */
    certificatesOf?: string[];
    /** Namespaces whose labels to read (for `allowedRoutes` selectors). */
    namespaceLabelsOf?: string[];
  } = {},
): Promise<GatewayApiModel> {
  const list = async (type: CustomResourceType) =>
    (await client.serves(type)) ? client.list(type) : [];
  const serviceNamespaces = [...new Set(options.serviceNamespaces ?? [])];
  const [served, gateways, routes, grants, services, controlPlanes] =
    await Promise.all([
      client.serves(istioResources.k8sGateway),
      list(istioResources.k8sGateway),
      list(istioResources.httpRoute),
      list(istioResources.referenceGrant),
      Promise.all(serviceNamespaces.map(ns => client.listServices(ns))),
      client.controlPlanes(),
    ]);
  const model: GatewayApiModel = {
    ...emptyGatewayApiModel(),
    served,
    gateways: gateways.map(parseK8sGateway),
    httpRoutes: routes.map(parseHttpRoute),
    referenceGrants: grants.map(parseReferenceGrant),
    services: services.flat().map(s => parseService(s as any)),
    serviceNamespaces,
    controlPlanes,
  };

  // namespaces whose labels a Selector listener needs: the asked ones, and
  // those of routes on Gateways with such listeners
  const selecting = new Set(
    model.gateways
      .filter(g =>
        g.listeners.some(l => l.allowedRoutes.namespaces.from === 'Selector'),
      )
      .map(g => g.ref),
  );
  const labelNamespaces = new Set(options.namespaceLabelsOf ?? []);
  for (const route of model.httpRoutes) {
    if (route.parentRefs.some(p => selecting.has(p.ref))) {
      labelNamespaces.add(route.namespace);
    }
  }
  const [credentials, labels] = await Promise.all([
    readListenerCredentials(
      client,
      model.gateways.filter(g => options.certificatesOf?.includes(g.ref)),
    ),
    Promise.all(
      [...labelNamespaces].map(async name => {
        const ns = await client.getNamespace(name);
        return [name, ns ? ns.metadata?.labels ?? {} : undefined] as const;
      }),
    ),
  ]);
  model.credentials = credentials;
  for (const [ns, nsLabels] of labels) {
    // a namespace that does not exist (yet) has no labels to judge
    if (nsLabels) {
      model.namespaceLabels[ns] = nsLabels;
    }
  }
  return model;
}

/**
 * The model as it will be once the planned manifests are applied: each
 * planned Gateway API Gateway, HTTPRoute or ReferenceGrant replaces the
 * object of the same name (keeping its creation time: the Gateway API's
 * conflict rule looks at it) or is added.
 *
 * @public
 */
export function withPlannedGatewayApi(
  model: GatewayApiModel,
  planned: Manifest[],
): GatewayApiModel {
  const replace = <T extends { ref: string; createdAt?: string }>(
    list: T[],
    items: T[],
  ) => [
    ...list.filter(o => !items.some(i => i.ref === o.ref)),
    ...items.map(i => {
      const createdAt = list.find(o => o.ref === i.ref)?.createdAt;
      return createdAt ? { ...i, createdAt } : i;
    }),
  ];
  const of = (kind: string) =>
    planned.filter(
      m =>
        m.kind === kind &&
        m.apiVersion.startsWith('gateway.networking.k8s.io/'),
    );
  return {
    ...model,
    gateways: replace(model.gateways, of('Gateway').map(parseK8sGateway)),
    httpRoutes: replace(model.httpRoutes, of('HTTPRoute').map(parseHttpRoute)),
    referenceGrants: replace(
      model.referenceGrants,
      of('ReferenceGrant').map(parseReferenceGrant),
    ),
  };
}
