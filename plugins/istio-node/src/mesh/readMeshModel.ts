import {
  emptyMeshModel,
  Manifest,
  MeshCredential,
  MeshModel,
  parseDestinationRule,
  parseGateway,
  parseService,
  parseVirtualService,
} from '@meshdeck/plugin-istio-common';
import { MeshClusterClient } from '../client/MeshClusterClient';
import { istioResources } from '../resources/istioResources';
import { TlsSecretCertificate } from '../client/MeshClusterClient';

/** The public facts of a TLS secret, as the mesh model holds them. @public */
export function meshCredential(
  namespace: string,
  name: string,
  tls: TlsSecretCertificate,
): MeshCredential {
  if (!tls.exists) {
    return { namespace, name, exists: false };
  }
  const cert = tls.certificate;
  return {
    namespace,
    name,
    exists: true,
    ...(cert && {
      certificate: {
        sans: cert.sans,
        daysLeft: cert.daysLeft,
        notAfter: cert.notAfter,
        serial: cert.serial,
      },
    }),
    ...(tls.problem && { problem: tls.problem }),
  };
}

/**
 * Reads what the rule book needs from a cluster into a mesh model: every
 * Gateway, VirtualService and DestinationRule, the Services of the given
 * namespaces, the certificates of the given gateways' servers (public fields
 * only) and the control planes. Kinds the cluster does not serve are empty.
 *
 * @public
 */
export async function readMeshModel(
  client: MeshClusterClient,
  options: { serviceNamespaces?: string[]; credentialsOf?: string[] } = {},
): Promise<MeshModel> {
  const list = async (
    type: (typeof istioResources)[keyof typeof istioResources],
  ) => ((await client.serves(type)) ? client.list(type) : []);
  const serviceNamespaces = [...new Set(options.serviceNamespaces ?? [])];
  const [gateways, virtualServices, destinationRules, services, controlPlanes] =
    await Promise.all([
      list(istioResources.gateway),
      list(istioResources.virtualService),
      list(istioResources.destinationRule),
      Promise.all(serviceNamespaces.map(ns => client.listServices(ns))),
      client.controlPlanes(),
    ]);
  const model: MeshModel = {
    ...emptyMeshModel(),
    gateways: gateways.map(parseGateway),
    virtualServices: virtualServices.map(parseVirtualService),
    destinationRules: destinationRules.map(parseDestinationRule),
    services: services.flat().map(s => parseService(s as any)),
    serviceNamespaces,
    controlPlanes,
  };
  const credentials = new Map<string, { namespace: string; name: string }>();
  for (const gateway of model.gateways) {
    if (!options.credentialsOf?.includes(gateway.ref)) {
      continue;
    }
    for (const server of gateway.servers) {
      const name = server.tls?.credentialName;
      if (name) {
        credentials.set(`${gateway.namespace}/${name}`, {
          namespace: gateway.namespace,
          name,
        });
      }
    }
  }
  model.credentials = await Promise.all(
    [...credentials.values()].map(async ({ namespace, name }) =>
      meshCredential(
        namespace,
        name,
        await client.readTlsCertificate(namespace, name),
      ),
    ),
  );
  return model;
}

/**
 * The model as it will be once the planned manifests are applied: each
 * planned Gateway, VirtualService, DestinationRule or Service replaces the
 * object of the same name or is added.
 *
 * @public
 */
export function withPlanned(model: MeshModel, planned: Manifest[]): MeshModel {
  const replace = <T extends { ref: string }>(list: T[], items: T[]) => [
    ...list.filter(o => !items.some(i => i.ref === o.ref)),
    ...items,
  ];
  const of = (kind: string) => planned.filter(m => m.kind === kind);
  return {
    ...model,
    gateways: replace(model.gateways, of('Gateway').map(parseGateway)),
    virtualServices: replace(
      model.virtualServices,
      of('VirtualService').map(parseVirtualService),
    ),
    destinationRules: replace(
      model.destinationRules,
      of('DestinationRule').map(parseDestinationRule),
    ),
    services: replace(model.services, of('Service').map(parseService)),
  };
}
