import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
  HttpRouteSpec,
  Manifest,
} from '@meshdeck/plugin-istio-common';

/**
 * An HTTPS Gateway serving `gatewayHosts` with a credential secret, and a
 * VirtualService that routes `host` on it to `service` — built with the same
 * builders the scaffolder actions use.
 */
export function exposedService(options: {
  gatewayNamespace: string;
  gatewayHosts: string[];
  credentialName: string;
  namespace: string;
  service: string;
  host: string;
  routes?: HttpRouteSpec[];
}): Manifest[] {
  return [
    buildGateway(
      {
        name: 'public',
        namespace: options.gatewayNamespace,
        selector: { istio: 'ingressgateway' },
        hosts: options.gatewayHosts,
        tls: { mode: 'credential', credentialName: options.credentialName },
        httpsRedirect: false,
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
    buildVirtualService(
      {
        name: options.service,
        namespace: options.namespace,
        hosts: [options.host],
        gateways: [`${options.gatewayNamespace}/public`],
        routes: options.routes ?? [
          { destinations: [{ host: options.service }] },
        ],
      },
      DEFAULT_ISTIO_API_VERSIONS,
    ),
  ];
}
