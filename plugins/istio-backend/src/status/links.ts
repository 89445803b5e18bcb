import type { V1Service } from '@kubernetes/client-node';
import {
  ClusterStatus,
  jaegerSearchUrl,
  kialiDetailUrl,
  kialiGraphUrl,
  kialiIstioConfigUrl,
} from '@meshdeck/plugin-istio-common';
import { KubernetesObject, MeshSettings } from '@meshdeck/plugin-istio-node';

/**
 * The Kiali and Jaeger links of one cluster's entry: Kiali's graph of the
 * entity's namespaces and its pages of the entity's workloads, Services and
 * the Istio objects shown in the traffic section; Jaeger's trace search per
 * namespace. Only for the tools the cluster's mesh settings configure.
 */
export function clusterLinks(input: {
  mesh: MeshSettings;
  /** The `app` name for Jaeger, when the entity has one. */
  app?: string;
  namespaces: string[];
  workloads: Array<{ namespace: string; name: string }>;
  services: V1Service[];
  traffic: ClusterStatus['traffic'];
  /** The Istio objects read; those the traffic section shows get a link. */
  istioObjects: KubernetesObject[];
}): ClusterStatus['links'] {
  const { mesh, app, namespaces, workloads, services, traffic } = input;
  const { kiali, jaeger } = mesh;
  const links: ClusterStatus['links'] = {};
  if (kiali && namespaces.length > 0) {
    links.kialiGraph = kialiGraphUrl({ ...kiali, namespaces });
    links.kialiWorkloads = Object.fromEntries(
      workloads.map(w => [
        `${w.namespace}/${w.name}`,
        kialiDetailUrl({
          ...kiali,
          namespace: w.namespace,
          kind: 'workloads',
          name: w.name,
        }),
      ]),
    );
    links.kialiServices = Object.fromEntries(
      services.map(svc => [
        `${svc.metadata?.namespace}/${svc.metadata?.name}`,
        kialiDetailUrl({
          ...kiali,
          namespace: svc.metadata?.namespace ?? '',
          kind: 'services',
          name: svc.metadata?.name ?? '',
        }),
      ]),
    );
    const shown = new Set(
      [
        ...traffic.gateways,
        ...traffic.virtualServices,
        ...traffic.destinationRules,
        ...traffic.authorizationPolicies,
      ].map(o => o.ref),
    );
    links.kialiConfig = Object.fromEntries(
      input.istioObjects
        .filter(o => shown.has(`${o.metadata.namespace}/${o.metadata.name}`))
        .map(o => [
          `${o.kind}:${o.metadata.namespace}/${o.metadata.name}`,
          kialiIstioConfigUrl({
            ...kiali,
            namespace: o.metadata.namespace ?? '',
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.metadata.name,
          }),
        ]),
    );
  }
  if (jaeger && app) {
    links.jaeger = Object.fromEntries(
      namespaces.map(ns => [
        ns,
        jaegerSearchUrl({ baseUrl: jaeger.baseUrl, app, namespace: ns }),
      ]),
    );
  }
  return links;
}
