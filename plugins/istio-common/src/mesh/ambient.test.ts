import fs from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { dataplaneSchema } from '../status/schema';
import {
  ambientIntent,
  authorizationPolicyL7Fields,
  dataplaneOf,
  injectorProcessed,
  isProgrammed,
  notProgrammedReason,
  parseAmbientAuthorizationPolicy,
  parseAmbientGateway,
  podWaypoint,
  serviceWaypoint,
  useWaypointLabel,
  waypointsInUse,
  ztunnelOf,
} from './ambient';
import { parseService } from './parse';
import { PodObject } from './pods';

const FIXTURES = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/istio-injection',
);

/** The pod template of a fixture Deployment, as a live pod of namespace `shop`. */
function fixturePod(
  file: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): PodObject {
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  const doc = file.endsWith('.injected')
    ? parseAllDocuments(text)[0].toJSON()
    : parse(text);
  const template = doc.spec.template;
  return {
    metadata: {
      ...template.metadata,
      name: 'hello-7d9f8-abcde',
      namespace: 'shop',
      labels: { ...template.metadata?.labels, ...extra.labels },
      annotations: { ...template.metadata?.annotations, ...extra.annotations },
      creationTimestamp: '2026-01-10T09:00:00Z',
    },
    spec: template.spec,
    status: { phase: 'Running' },
  };
}

const AMBIENT_NS = { 'istio.io/dataplane-mode': 'ambient' };
const CAPTURED = { 'ambient.istio.io/redirection': 'enabled' };

/** A waypoint Gateway as istiod leaves it once its Deployment is ready. */
const waypointGateway = (
  name: string,
  namespace = 'shop',
  programmed: 'True' | 'False' | undefined = 'True',
) =>
  parseAmbientGateway({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace,
      labels: { 'istio.io/waypoint-for': 'service' },
      creationTimestamp: '2026-01-10T08:00:00Z',
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
    status: programmed
      ? {
          addresses: [
            {
              type: 'Hostname',
              value: `${name}.${namespace}.svc.cluster.local`,
            },
          ],
          conditions: [
            {
              type: 'Accepted',
              status: 'True',
              reason: 'Accepted',
              message: 'Resource accepted',
              lastTransitionTime: '2026-01-10T08:00:01Z',
            },
            {
              type: 'Programmed',
              status: programmed,
              reason: programmed === 'True' ? 'Programmed' : 'NoResources',
              message:
                programmed === 'True'
                  ? 'Resource programmed, assigned to service(s) waypoint.shop.svc.cluster.local:15008'
                  : 'Deployment waypoint has no ready replicas',
              lastTransitionTime: '2026-01-10T08:00:05Z',
            },
          ],
        }
      : undefined,
  });

describe('ambient model', () => {
  describe('dataplaneOf', () => {
    it('puts a pod of an ambient namespace in ambient mode, captured once istio-cni annotated it', () => {
      const pod = fixturePod('hello.yaml', { annotations: CAPTURED });
      expect(dataplaneOf(pod, { namespaceLabels: AMBIENT_NS })).toEqual({
        mode: 'ambient',
        captured: true,
      });
      expect(
        dataplaneOf(fixturePod('hello.yaml'), { namespaceLabels: AMBIENT_NS }),
      ).toEqual({ mode: 'ambient', captured: false });
      // `pending` is istio-cni's half-done state: not captured
      expect(
        dataplaneOf(
          fixturePod('hello.yaml', {
            annotations: { 'ambient.istio.io/redirection': 'pending' },
          }),
          { namespaceLabels: AMBIENT_NS },
        ).captured,
      ).toBe(false);
    });

    it('takes the pod label in any namespace, and lets a pod opt out of an ambient namespace', () => {
      expect(
        dataplaneOf(
          fixturePod('hello.yaml', {
            labels: { 'istio.io/dataplane-mode': 'ambient' },
            annotations: CAPTURED,
          }),
        ),
      ).toEqual({ mode: 'ambient', captured: true });
      expect(
        dataplaneOf(
          fixturePod('hello.yaml', {
            labels: { 'istio.io/dataplane-mode': 'none' },
          }),
          { namespaceLabels: AMBIENT_NS },
        ),
      ).toEqual({ mode: 'none' });
      expect(dataplaneOf(fixturePod('hello.yaml'))).toEqual({ mode: 'none' });
    });

    it('calls a pod with a proxy sidecar mode, whatever its labels say', () => {
      for (const file of ['hello.yaml.injected', 'hello.yaml.cni.injected']) {
        expect(
          dataplaneOf(
            fixturePod(file, {
              labels: { 'istio.io/dataplane-mode': 'ambient' },
            }),
            { namespaceLabels: AMBIENT_NS },
          ),
        ).toEqual({ mode: 'sidecar' });
      }
    });

    it('never puts a host-network pod in ambient mode', () => {
      expect(
        dataplaneOf(fixturePod('hello-host-network.yaml.injected'), {
          namespaceLabels: AMBIENT_NS,
        }),
      ).toEqual({ mode: 'none' });
    });

    it('keeps the early ambient template pod in ambient mode but knows the injector processed it', () => {
      const pod = fixturePod('hello.yaml.ambient.injected');
      expect(dataplaneOf(pod, { namespaceLabels: AMBIENT_NS })).toEqual({
        mode: 'ambient',
        captured: false,
      });
      expect(injectorProcessed(pod)).toBe(true);
      expect(injectorProcessed(fixturePod('hello.yaml'))).toBe(false);
    });

    it('names the waypoint and whether it is programmed, when the Gateways are known', () => {
      const pod = fixturePod('hello.yaml', { annotations: CAPTURED });
      const namespaceLabels = {
        ...AMBIENT_NS,
        'istio.io/use-waypoint': 'shop-waypoint',
      };
      expect(dataplaneOf(pod, { namespaceLabels })).toEqual({
        mode: 'ambient',
        captured: true,
        waypoint: {
          name: 'shop-waypoint',
          namespace: 'shop',
          source: 'namespace',
        },
      });
      expect(
        dataplaneOf(pod, {
          namespaceLabels,
          gateways: [waypointGateway('shop-waypoint')],
        }).waypoint,
      ).toEqual({
        name: 'shop-waypoint',
        namespace: 'shop',
        source: 'namespace',
        programmed: true,
      });
      expect(
        dataplaneOf(pod, { namespaceLabels, gateways: [] }).waypoint
          ?.programmed,
      ).toBe(false);
      expect(
        dataplaneOf(pod, {
          namespaceLabels,
          gateways: [waypointGateway('shop-waypoint', 'shop', 'False')],
        }).waypoint?.programmed,
      ).toBe(false);
    });

    it('answers what the status schema accepts', () => {
      const d = dataplaneOf(
        fixturePod('hello.yaml', { annotations: CAPTURED }),
        {
          namespaceLabels: { ...AMBIENT_NS, 'istio.io/use-waypoint': 'w' },
          gateways: [],
        },
      );
      expect(dataplaneSchema.parse(d)).toEqual(d);
    });
  });

  describe('waypoint precedence', () => {
    const service = (
      name: string,
      labels: Record<string, string> = {},
      selector: Record<string, string> = { app: 'hello' },
    ) =>
      parseService({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'shop', labels },
        spec: { selector, ports: [{ port: 80 }] },
      });
    const ns = { ...AMBIENT_NS, 'istio.io/use-waypoint': 'ns-waypoint' };

    it('reads istio.io/use-waypoint, its namespace override and none', () => {
      expect(useWaypointLabel(undefined, 'shop')).toBeUndefined();
      expect(
        useWaypointLabel({ 'istio.io/use-waypoint': 'none' }, 'shop'),
      ).toBe('none');
      expect(
        useWaypointLabel(
          {
            'istio.io/use-waypoint': 'shared',
            'istio.io/use-waypoint-namespace': 'mesh-waypoints',
          },
          'shop',
        ),
      ).toEqual({ namespace: 'mesh-waypoints', name: 'shared' });
    });

    it('prefers the pod, then a Service selecting it, then the namespace', () => {
      const pod = fixturePod('hello.yaml', {
        labels: { 'istio.io/use-waypoint': 'pod-waypoint' },
      });
      const services = [
        service('hello', { 'istio.io/use-waypoint': 'svc-waypoint' }),
      ];
      expect(podWaypoint(pod, { namespaceLabels: ns, services })).toEqual({
        name: 'pod-waypoint',
        namespace: 'shop',
        source: 'pod',
      });
      expect(
        podWaypoint(fixturePod('hello.yaml'), {
          namespaceLabels: ns,
          services,
        }),
      ).toEqual({ name: 'svc-waypoint', namespace: 'shop', source: 'service' });
      expect(
        podWaypoint(fixturePod('hello.yaml'), {
          namespaceLabels: ns,
          // a Service that does not select the pod does not count
          services: [
            service(
              'other',
              { 'istio.io/use-waypoint': 'x' },
              { app: 'other' },
            ),
          ],
        }),
      ).toEqual({
        name: 'ns-waypoint',
        namespace: 'shop',
        source: 'namespace',
      });
    });

    it('stops at none on the deciding level', () => {
      expect(
        podWaypoint(
          fixturePod('hello.yaml', {
            labels: { 'istio.io/use-waypoint': 'none' },
          }),
          { namespaceLabels: ns },
        ),
      ).toBeUndefined();
      expect(
        podWaypoint(fixturePod('hello.yaml'), {
          namespaceLabels: ns,
          services: [service('hello', { 'istio.io/use-waypoint': 'none' })],
        }),
      ).toBeUndefined();
      expect(
        serviceWaypoint(
          service('hello', { 'istio.io/use-waypoint': 'none' }),
          ns,
        ),
      ).toBeUndefined();
      expect(serviceWaypoint(service('hello'), ns)).toEqual({
        name: 'ns-waypoint',
        namespace: 'shop',
        source: 'namespace',
      });
    });
  });

  describe('Gateways and ztunnel', () => {
    it('tells waypoints apart and reads their HBONE listener and Programmed condition', () => {
      const w = waypointGateway('shop-waypoint');
      expect(w).toMatchObject({
        ref: 'shop/shop-waypoint',
        gatewayClassName: 'istio-waypoint',
        waypoint: true,
        hbone: true,
        waypointFor: 'service',
        programmed: { status: 'True', reason: 'Programmed' },
      });
      expect(isProgrammed(w)).toBe(true);
      const ingress = parseAmbientGateway({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public', namespace: 'istio-ingress' },
        spec: {
          gatewayClassName: 'istio',
          listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }],
        },
      });
      expect(ingress).toMatchObject({ waypoint: false, hbone: false });
      expect(isProgrammed(ingress)).toBe(false);
      expect(notProgrammedReason(ingress)).toBe(
        'no Programmed condition yet (no controller has taken it)',
      );
      expect(notProgrammedReason(waypointGateway('w', 'shop', 'False'))).toBe(
        'Programmed=False: NoResources: Deployment waypoint has no ready replicas',
      );
    });

    it('lists each waypoint in use once, leaving out those that do not exist', () => {
      expect(
        waypointsInUse(
          [
            {
              mode: 'ambient',
              captured: true,
              waypoint: { name: 'a', namespace: 'shop', source: 'namespace' },
            },
            {
              mode: 'ambient',
              captured: true,
              waypoint: { name: 'a', namespace: 'shop', source: 'namespace' },
            },
            {
              mode: 'ambient',
              captured: true,
              waypoint: { name: 'b', namespace: 'shop', source: 'pod' },
            },
            {
              mode: 'ambient',
              captured: true,
              waypoint: { name: 'gone', namespace: 'shop', source: 'pod' },
            },
            { mode: 'sidecar' },
          ],
          [waypointGateway('b', 'shop', 'False'), waypointGateway('a')],
        ),
      ).toEqual([
        { name: 'a', namespace: 'shop', programmed: true },
        {
          name: 'b',
          namespace: 'shop',
          programmed: false,
          reason:
            'Programmed=False: NoResources: Deployment waypoint has no ready replicas',
        },
      ]);
    });

    it('finds ztunnel by name, preferring istio-system', () => {
      const ds = (
        namespace: string,
        desired: number,
        ready: number,
        name = 'ztunnel',
      ) => ({
        metadata: { name, namespace },
        status: { desiredNumberScheduled: desired, numberReady: ready },
      });
      expect(ztunnelOf([])).toBeUndefined();
      expect(
        ztunnelOf([ds('istio-system', 3, 3, 'istio-cni-node')]),
      ).toBeUndefined();
      expect(ztunnelOf([ds('mesh', 2, 1)])).toEqual({
        namespace: 'mesh',
        name: 'ztunnel',
        desired: 2,
        ready: 1,
      });
      expect(ztunnelOf([ds('a-mesh', 2, 1), ds('istio-system', 3, 3)])).toEqual(
        { namespace: 'istio-system', name: 'ztunnel', desired: 3, ready: 3 },
      );
      expect(
        ztunnelOf([{ metadata: { name: 'ztunnel', namespace: 'x' } }]),
      ).toEqual({
        namespace: 'x',
        name: 'ztunnel',
        desired: 0,
        ready: 0,
      });
    });

    it('reads the ambient intent', () => {
      expect(ambientIntent({ 'istio.io/dataplane-mode': 'ambient' }, {})).toBe(
        'pod',
      );
      expect(ambientIntent({}, AMBIENT_NS)).toBe('namespace');
      expect(
        ambientIntent({ 'istio.io/dataplane-mode': 'none' }, AMBIENT_NS),
      ).toBeUndefined();
      expect(ambientIntent(undefined, undefined)).toBeUndefined();
    });
  });

  describe('AuthorizationPolicy L7 fields', () => {
    const policy = (spec: Record<string, unknown>) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'p', namespace: 'shop' },
      spec,
    });

    it('finds HTTP-only fields in to, from and when', () => {
      expect(
        authorizationPolicyL7Fields(
          policy({
            rules: [
              {
                from: [
                  {
                    source: {
                      principals: ['cluster.local/ns/shop/sa/web'],
                      requestPrincipals: ['issuer/subject'],
                    },
                  },
                ],
                to: [
                  {
                    operation: {
                      methods: ['GET'],
                      paths: ['/api/*'],
                      ports: ['8080'],
                    },
                  },
                ],
                when: [
                  { key: 'request.headers[x-user]', values: ['a'] },
                  { key: 'source.namespace', values: ['shop'] },
                ],
              },
              { to: [{ operation: { notHosts: ['admin.shop'] } }] },
              { from: [{ source: { remoteIpBlocks: ['10.0.0.0/8'] } }] },
            ],
          }),
        ),
      ).toEqual([
        'from.source.remoteIpBlocks',
        'from.source.requestPrincipals',
        'to.operation.methods',
        'to.operation.notHosts',
        'to.operation.paths',
        'when request.headers[x-user]',
      ]);
    });

    it('finds none in an L4 policy, and keeps the parsed policy as it was', () => {
      const raw = policy({
        selector: { matchLabels: { app: 'hello' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['cluster.local/ns/shop/sa/web'],
                  namespaces: ['shop'],
                  ipBlocks: ['10.0.0.0/8'],
                },
              },
            ],
            to: [{ operation: { ports: ['8080'] } }],
            when: [{ key: 'destination.port', values: ['8080'] }],
          },
        ],
      });
      expect(parseAmbientAuthorizationPolicy(raw)).toEqual({
        kind: 'AuthorizationPolicy',
        namespace: 'shop',
        name: 'p',
        ref: 'shop/p',
        labels: {},
        apiVersion: 'security.istio.io/v1',
        action: 'ALLOW',
        rules: 1,
        selector: { app: 'hello' },
        l7Fields: [],
      });
    });
  });
});
