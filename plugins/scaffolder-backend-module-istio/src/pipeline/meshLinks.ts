import {
  jaegerSearchUrl,
  kialiDetailUrl,
  kialiGraphUrl,
} from '@meshdeck/plugin-istio-common';
import { ClusterRegistry } from '@meshdeck/plugin-istio-node';

/** @public */
export type MeshLinks = {
  kialiGraphUrl?: string;
  kialiServiceUrl?: string;
  jaegerSearchUrl?: string;
  /** What to configure for the links that are missing. */
  hints: string[];
};

/**
 * Kiali and Jaeger links of a namespace (and app) in a cluster, from the
 * cluster's mesh settings. Missing base URLs leave links out, with a hint.
 */
export function buildMeshLinks(
  clusters: ClusterRegistry,
  cluster: string,
  namespace: string,
  app?: string,
): MeshLinks {
  const { kiali, jaeger } = clusters.meshSettings(cluster);
  const links: MeshLinks = { hints: [] };
  if (kiali) {
    links.kialiGraphUrl = kialiGraphUrl({ ...kiali, namespaces: [namespace] });
    if (app) {
      links.kialiServiceUrl = kialiDetailUrl({
        ...kiali,
        namespace,
        kind: 'services',
        name: app,
      });
    }
  } else {
    links.hints.push(
      `No Kiali link: set istio.clusters[name=${cluster}].kiali.baseUrl in app-config to add one`,
    );
  }
  if (jaeger && app) {
    links.jaegerSearchUrl = jaegerSearchUrl({
      baseUrl: jaeger.baseUrl,
      app,
      namespace,
    });
  } else if (!jaeger) {
    links.hints.push(
      `No Jaeger link: set istio.clusters[name=${cluster}].jaeger.baseUrl in app-config to add one`,
    );
  }
  return links;
}
