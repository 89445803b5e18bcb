import {
  ClusterStatus,
  GATEWAY_API_GROUP,
  jaegerSearchUrl,
  kialiConfigKey,
  kialiDetailUrl,
  kialiGraphUrl,
  kialiIstioConfigUrl,
  MeshObjectMeta,
  MeshService,
} from '@meshdeck/plugin-istio-common';
import { MeshSettings } from '@meshdeck/plugin-istio-node';

/** A parsed Istio object a link can name. */
export type LinkedIstioObject = MeshObjectMeta & { kind: string };

/** A parsed Gateway API object (Gateway, HTTPRoute) a link can name. */
export type LinkedGatewayApiObject = MeshObjectMeta & {
  kind: 'Gateway' | 'HTTPRoute';
};

/**
 * The Kiali and Jaeger links of one cluster's entry: Kiali's graph of the
 * entity's namespaces and its pages of the entity's workloads, Services and
 * the Istio and Gateway API objects shown in the traffic section; Jaeger's trace search per
 * namespace. Only for the tools the cluster's mesh settings configure.
 */
export function clusterLinks(input: {
  mesh: MeshSettings;
  /** The `app` name for Jaeger, when the entity has one. */
  app?: string;
  namespaces: string[];
  workloads: Array<{ namespace: string; name: string }>;
  services: MeshService[];
  traffic: ClusterStatus['traffic'];
  /** The Istio objects read; those the traffic section shows get a link. */
  istioObjects: LinkedIstioObject[];
  /**
   * Gateway API Gateways and HTTPRoutes read; those the traffic section
   * shows get a link, keyed `K8sGateway:namespace/name` and
   * `HTTPRoute:namespace/name` (see `kialiConfigKey`).
   */
  gatewayApiObjects?: LinkedGatewayApiObject[];
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
        svc.ref,
        kialiDetailUrl({
          ...kiali,
          namespace: svc.namespace,
          kind: 'services',
          name: svc.name,
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
    const shownGatewayApi = new Set([
      ...(traffic.k8sGateways ?? []).map(g => `Gateway:${g.ref}`),
      ...(traffic.httpRoutes ?? []).map(r => `HTTPRoute:${r.ref}`),
    ]);
    links.kialiConfig = Object.fromEntries([
      ...input.istioObjects
        .filter(o => shown.has(o.ref))
        .map(o => [
          `${o.kind}:${o.ref}`,
          kialiIstioConfigUrl({
            ...kiali,
            namespace: o.namespace,
            apiVersion: o.apiVersion ?? '',
            kind: o.kind,
            name: o.name,
          }),
        ]),
      ...(input.gatewayApiObjects ?? [])
        .filter(o => shownGatewayApi.has(`${o.kind}:${o.ref}`))
        .map(o => [
          kialiConfigKey({ group: GATEWAY_API_GROUP, ...o }),
          kialiIstioConfigUrl({
            ...kiali,
            namespace: o.namespace,
            // Kiali addresses them by group and version, like Istio's kinds
            apiVersion: o.apiVersion ?? `${GATEWAY_API_GROUP}/v1`,
            kind: o.kind,
            name: o.name,
          }),
        ]),
    ]);
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
