import {
  arr,
  isoTime,
  Json,
  num,
  obj,
  objectMeta,
  optionalStringMap,
  stableJson,
  str,
  stringMap,
  strings,
} from './json';
import {
  bareHost,
  destinationFqdn,
  qualifyGatewayRef,
  serviceOfHost,
} from './hosts';
import {
  MESH_GATEWAY,
  MeshAuthorizationPolicy,
  MeshDestinationRule,
  MeshExternalSecret,
  MeshGateway,
  MeshHttpRoute,
  MeshPeerAuthentication,
  MeshService,
  MeshTargetRef,
  MeshVirtualService,
  RawObject,
} from './model';

/**
 * Parsers from Kubernetes objects (as the API server returns them, or as an
 * action builds them) to the typed mesh model. They never throw on odd
 * shapes: a field of the wrong type is read as absent.
 */

export { isoTime };

/** An Istio Gateway. @public */
export function parseGateway(o: RawObject): MeshGateway {
  const spec = obj(o.spec);
  const m = objectMeta(o);
  return {
    kind: 'Gateway',
    ...m,
    selector: stringMap(spec.selector),
    servers: arr(spec.servers).map(raw => {
      const s = obj(raw);
      const port = obj(s.port);
      const tls =
        s.tls && typeof s.tls === 'object' && !Array.isArray(s.tls)
          ? (s.tls as Json)
          : undefined;
      const hosts = strings(s.hosts);
      return {
        port: num(port.number) ?? 0,
        protocol: str(port.protocol),
        name: str(s.name) ?? str(port.name),
        hosts: hosts.map(bareHost),
        bindings: hosts.map(h => {
          const slash = h.indexOf('/');
          const ns = slash >= 0 ? h.slice(0, slash) : '*';
          return {
            namespace: ns === '.' ? m.namespace : ns,
            host: bareHost(h),
          };
        }),
        ...(tls && {
          tls: {
            mode: str(tls.mode),
            credentialName: str(tls.credentialName),
            // as written: absent when the server does not say
            ...(typeof tls.httpsRedirect === 'boolean' && {
              httpsRedirect: tls.httpsRedirect,
            }),
          },
        }),
      };
    }),
  };
}

/** No match, or only `prefix: /`: the route takes every request. */
function matchesAll(matches: unknown[]): boolean {
  return (
    matches.length === 0 ||
    (matches.length === 1 &&
      stableJson(matches[0]) === stableJson({ uri: { prefix: '/' } }))
  );
}

function parseRoute(raw: unknown, namespace: string): MeshHttpRoute {
  const r = obj(raw);
  const matches = arr(r.match);
  const uri = obj(obj(matches[0]).uri);
  const match = str(uri.prefix) ?? str(uri.exact);
  return {
    ...(match !== undefined && { match }),
    ...(!matchesAll(matches) && { matchKey: stableJson(matches) }),
    destinations: arr(r.route).map(rawDestination => {
      const d = obj(rawDestination);
      const destination = obj(d.destination);
      const host = str(destination.host) ?? '';
      const fqdn = destinationFqdn(host, namespace);
      const service = serviceOfHost(fqdn);
      const port = num(obj(destination.port).number);
      const subset = str(destination.subset);
      const weight = num(d.weight);
      return {
        host,
        fqdn,
        ...(service && { service }),
        ...(port !== undefined && { port }),
        ...(subset && { subset }),
        ...(weight !== undefined && { weight }),
      };
    }),
  };
}

/** An Istio VirtualService. @public */
export function parseVirtualService(o: RawObject): MeshVirtualService {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  const gateways = strings(spec.gateways).map(g =>
    qualifyGatewayRef(g, m.namespace),
  );
  return {
    kind: 'VirtualService',
    ...m,
    hosts: strings(spec.hosts),
    gateways: gateways.length > 0 ? gateways : [MESH_GATEWAY],
    ...(gateways.length === 0 && { meshByDefault: true }),
    http: arr(spec.http).map(r => parseRoute(r, m.namespace)),
  };
}

/** An Istio DestinationRule. @public */
export function parseDestinationRule(o: RawObject): MeshDestinationRule {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  return {
    kind: 'DestinationRule',
    ...m,
    host: destinationFqdn(str(spec.host) ?? '', m.namespace),
    subsets: arr(spec.subsets).map(raw => {
      const s = obj(raw);
      return { name: str(s.name) ?? '', labels: stringMap(s.labels) };
    }),
  };
}

/** A Kubernetes Service. @public */
export function parseService(o: RawObject): MeshService {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  return {
    kind: 'Service',
    ...m,
    fqdn: `${m.name}.${m.namespace}.svc.cluster.local`,
    ports: arr(spec.ports).flatMap(p => {
      const port = num(obj(p).port);
      return port === undefined ? [] : [port];
    }),
    selector: stringMap(spec.selector),
  };
}

/** A policy's `selector.matchLabels`, undefined when it has none. */
function matchLabels(spec: Json): Record<string, string> | undefined {
  return optionalStringMap(obj(spec.selector).matchLabels);
}

function targetRefs(spec: Json): MeshTargetRef[] | undefined {
  const raw = [
    ...arr(spec.targetRefs),
    ...(spec.targetRef ? [spec.targetRef] : []),
  ];
  const refs = raw.flatMap(r => {
    const ref = obj(r);
    const kind = str(ref.kind);
    const name = str(ref.name);
    if (!kind || !name) {
      return [];
    }
    const group = str(ref.group);
    const namespace = str(ref.namespace);
    return [
      {
        ...(group !== undefined && { group }),
        kind,
        name,
        ...(namespace && { namespace }),
      },
    ];
  });
  return refs.length > 0 ? refs : undefined;
}

/** An Istio AuthorizationPolicy. @public */
export function parseAuthorizationPolicy(
  o: RawObject,
): MeshAuthorizationPolicy {
  const spec = obj(o.spec);
  const selector = matchLabels(spec);
  const refs = targetRefs(spec);
  return {
    kind: 'AuthorizationPolicy',
    ...objectMeta(o),
    action: str(spec.action) ?? 'ALLOW',
    rules: arr(spec.rules).length,
    ...(selector && { selector }),
    ...(refs && { targetRefs: refs }),
  };
}

/** An Istio PeerAuthentication. @public */
export function parsePeerAuthentication(o: RawObject): MeshPeerAuthentication {
  const spec = obj(o.spec);
  const selector = matchLabels(spec);
  const mtlsMode = str(obj(spec.mtls).mode);
  const portLevelMtls = Object.entries(obj(spec.portLevelMtls)).flatMap(
    ([port, value]) => {
      const number = num(port);
      const mode = str(obj(value).mode);
      return number !== undefined && mode ? [{ port: number, mode }] : [];
    },
  );
  return {
    kind: 'PeerAuthentication',
    ...objectMeta(o),
    ...(selector && { selector }),
    ...(mtlsMode && { mtlsMode }),
    ...(portLevelMtls.length > 0 && { portLevelMtls }),
  };
}

/** An external-secrets.io ExternalSecret. @public */
export function parseExternalSecret(o: RawObject): MeshExternalSecret {
  const m = objectMeta(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const refreshInterval = str(spec.refreshInterval);
  const refreshTime = isoTime(status.refreshTime);
  const ready = arr(status.conditions)
    .map(obj)
    .find(c => c.type === 'Ready');
  const readyReason = ready && str(ready.reason);
  const readyMessage = ready && str(ready.message);
  return {
    kind: 'ExternalSecret',
    ...m,
    targetName: str(obj(spec.target).name) ?? m.name,
    ...(refreshInterval !== undefined && { refreshInterval }),
    remoteKeys: [
      ...arr(spec.data).flatMap(d => {
        const key = str(obj(obj(d).remoteRef).key);
        return key !== undefined ? [key] : [];
      }),
      ...arr(spec.dataFrom).flatMap(d => {
        const from = obj(d);
        const key = str(obj(from.extract).key) ?? str(from.key);
        return key !== undefined ? [key] : [];
      }),
    ],
    ...(ready && {
      ready: {
        status: str(ready.status) ?? 'Unknown',
        ...(readyReason !== undefined && { reason: readyReason }),
        ...(readyMessage !== undefined && { message: readyMessage }),
      },
    }),
    ...(refreshTime !== undefined && { refreshTime }),
    annotations: stringMap(o.metadata?.annotations),
  };
}
