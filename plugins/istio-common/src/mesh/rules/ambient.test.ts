import fs from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import type { WorkloadStatus } from '../../status/schema';
import {
  AmbientGateway,
  dataplaneOf,
  parseAmbientAuthorizationPolicy,
  parseAmbientGateway,
  ZtunnelStatus,
} from '../ambient';
import { namespaceStatus } from '../namespaces';
import { parseService } from '../parse';
import { PodObject, podStatus } from '../pods';
import {
  AmbientFacts,
  ambientCaptureFindings,
  ambientFindings,
  ambientOptOutFindings,
  l7PolicyFindings,
  sidecarAndAmbientFindings,
  waypointFindings,
  ztunnelFindings,
} from './ambient';

const FIXTURES = path.resolve(
  __dirname,
  '../../../../../../shared/fixtures/istio-injection',
);

/** A pod of namespace `shop` from a fixture Deployment's template. */
function fixturePod(
  file: string,
  name: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    phase?: string;
  } = {},
): PodObject {
  const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
  const doc = file.endsWith('.injected')
    ? parseAllDocuments(text)[0].toJSON()
    : parse(text);
  const template = doc.spec.template;
  return {
    metadata: {
      name,
      namespace: 'shop',
      labels: {
        ...template.metadata?.labels,
        'pod-template-hash': '7d9f8',
        ...extra.labels,
      },
      annotations: { ...template.metadata?.annotations, ...extra.annotations },
      creationTimestamp: '2026-01-10T09:00:00Z',
      ownerReferences: [
        { kind: 'ReplicaSet', name: 'hello-7d9f8', controller: true },
      ],
    },
    spec: template.spec,
    status: {
      phase: extra.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

const CAPTURED = { 'ambient.istio.io/redirection': 'enabled' };
const ZTUNNEL: ZtunnelStatus = {
  namespace: 'istio-system',
  name: 'ztunnel',
  desired: 3,
  ready: 3,
};

const helloService = (labels: Record<string, string> = {}) =>
  parseService({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'hello', namespace: 'shop', labels },
    spec: { selector: { app: 'hello' }, ports: [{ port: 80 }] },
  });

const waypoint = (name: string, programmed: 'True' | 'False' = 'True') =>
  parseAmbientGateway({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'shop' },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
    status: {
      conditions: [
        {
          type: 'Programmed',
          status: programmed,
          reason: programmed === 'True' ? 'Programmed' : 'NoResources',
          message: programmed === 'True' ? 'ok' : 'no ready replicas',
        },
      ],
    },
  });

const policy = (name: string, spec: Record<string, unknown>) =>
  parseAmbientAuthorizationPolicy({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: 'shop' },
    spec,
  });

/** Facts as the status assembles them: pods classified in their namespace. */
function facts(options: {
  pods: PodObject[];
  namespaceLabels?: Record<string, string>;
  services?: ReturnType<typeof parseService>[];
  policies?: ReturnType<typeof policy>[];
  gateways?: AmbientGateway[];
  ztunnel?: ZtunnelStatus | null;
}): AmbientFacts {
  const namespaceLabels = options.namespaceLabels ?? {
    'istio.io/dataplane-mode': 'ambient',
  };
  const ns = namespaceStatus({
    metadata: { name: 'shop', labels: namespaceLabels },
  });
  const services = options.services ?? [helloService()];
  const workload: WorkloadStatus = {
    kind: 'Deployment',
    name: 'hello',
    namespace: 'shop',
    pods: options.pods.map(p => ({
      ...podStatus(p, ns),
      dataplane: dataplaneOf(p, {
        namespaceLabels,
        services,
        gateways: options.gateways,
      }),
    })),
  };
  return {
    workloads: [workload],
    podLabels: Object.fromEntries(
      options.pods.map(p => [
        `shop/${p.metadata?.name}`,
        p.metadata?.labels ?? {},
      ]),
    ),
    namespaceLabels: { shop: namespaceLabels },
    services,
    policies: options.policies ?? [],
    gateways: options.gateways,
    ztunnel: options.ztunnel === undefined ? ZTUNNEL : options.ztunnel,
  };
}

describe('ambient rules', () => {
  describe('ambientCaptureFindings', () => {
    it('says nothing when every running ambient pod is captured, or still pending', () => {
      expect(
        ambientFindings(
          facts({
            pods: [
              fixturePod('hello.yaml', 'hello-a', { annotations: CAPTURED }),
              fixturePod('hello.yaml', 'hello-b', { phase: 'Pending' }),
            ],
          }),
        ),
      ).toEqual([]);
    });

    it('names a running pod istio-cni did not capture, with the restart and where to look', () => {
      expect(
        ambientCaptureFindings(
          facts({
            pods: [
              fixturePod('hello.yaml', 'hello-a', { annotations: CAPTURED }),
              fixturePod('hello.yaml', 'hello-b'),
            ],
          }),
        ),
      ).toEqual([
        {
          id: 'ambient-pod-not-captured',
          severity: 'warning',
          object: 'shop/Pod/hello-b',
          message:
            'Pod is meant for ambient mode (namespace shop is labelled istio.io/dataplane-mode=ambient) but is not captured by istio-cni (no ambient.istio.io/redirection: enabled annotation): its traffic bypasses ztunnel, without mTLS or policy',
          fix: 'kubectl rollout restart deployment/hello -n shop  # if it is still not captured: kubectl logs -n istio-system -l k8s-app=istio-cni-node --tail=200 | grep hello-b',
        },
      ]);
    });

    it('blames a missing or unready ztunnel, and the injector on the early ambient template', () => {
      const pod = (name: string) => fixturePod('hello.yaml', name);
      expect(
        ambientCaptureFindings(facts({ pods: [pod('a')], ztunnel: null }))[0],
      ).toMatchObject({
        message: expect.stringMatching(
          /no ztunnel DaemonSet runs in the cluster$/,
        ),
        fix: 'istioctl install --set profile=ambient  # installs istio-cni and ztunnel',
      });
      expect(
        ambientCaptureFindings(
          facts({ pods: [pod('a')], ztunnel: { ...ZTUNNEL, ready: 1 } }),
        )[0],
      ).toMatchObject({
        message: expect.stringMatching(
          /ztunnel is ready on only 1 of 3 nodes$/,
        ),
        fix: 'kubectl rollout status daemonset/ztunnel -n istio-system',
      });
      const [early] = ambientCaptureFindings(
        facts({ pods: [fixturePod('hello.yaml.ambient.injected', 'old')] }),
      );
      expect(early.message).toContain(
        'the sidecar injector processed it (sidecar.istio.io/status), and istio-cni leaves such pods to their sidecar',
      );
      expect(early.fix).toContain(
        'kubectl rollout restart deployment/hello -n shop',
      );
    });

    it('says where the intent comes from when the pod carries the label itself', () => {
      const [finding] = ambientCaptureFindings(
        facts({
          namespaceLabels: {},
          pods: [
            fixturePod('hello.yaml', 'hello-a', {
              labels: { 'istio.io/dataplane-mode': 'ambient' },
            }),
          ],
        }),
      );
      expect(finding.message).toMatch(
        /^Pod is meant for ambient mode \(its label istio.io\/dataplane-mode=ambient\)/,
      );
    });
  });

  describe('sidecarAndAmbientFindings', () => {
    it('flags a pod with a sidecar and the ambient label, on the pod or its namespace', () => {
      const onPod = sidecarAndAmbientFindings(
        facts({
          namespaceLabels: { 'istio-injection': 'enabled' },
          pods: [
            fixturePod('hello.yaml.injected', 'hello-a', {
              labels: { 'istio.io/dataplane-mode': 'ambient' },
            }),
          ],
        }),
      );
      expect(onPod).toEqual([
        {
          id: 'sidecar-and-ambient',
          severity: 'warning',
          object: 'shop/Pod/hello-a',
          message:
            'Pod has a sidecar although its label istio.io/dataplane-mode=ambient: istio-cni never captures a pod with a sidecar, so it runs in sidecar mode',
          fix: 'to stay in sidecar mode, remove the istio.io/dataplane-mode label from the pod template; to move to ambient, set sidecar.istio.io/inject: "false" on it; then kubectl rollout restart deployment/hello -n shop',
        },
      ]);
      const [inNamespace] = sidecarAndAmbientFindings(
        facts({ pods: [fixturePod('hello.yaml.cni.injected', 'hello-b')] }),
      );
      expect(inNamespace.message).toBe(
        'Pod has a sidecar although namespace shop is labelled istio.io/dataplane-mode=ambient: istio-cni never captures a pod with a sidecar, so it runs in sidecar mode',
      );
      expect(inNamespace.fix).toContain('istio.io/dataplane-mode=none');
    });

    it('leaves sidecar pods without ambient labels, opted-out pods and gateways alone', () => {
      expect(
        sidecarAndAmbientFindings(
          facts({
            namespaceLabels: { 'istio-injection': 'enabled' },
            pods: [fixturePod('hello.yaml.injected', 'a')],
          }),
        ),
      ).toEqual([]);
      expect(
        sidecarAndAmbientFindings(
          facts({
            pods: [
              fixturePod('hello.yaml.injected', 'a', {
                labels: { 'istio.io/dataplane-mode': 'none' },
              }),
              fixturePod('gateway.yaml.injected', 'gw'),
            ],
          }),
        ),
      ).toEqual([]);
    });
  });

  it('notes a pod that opted out of its ambient namespace', () => {
    expect(
      ambientOptOutFindings(
        facts({
          pods: [
            fixturePod('hello.yaml', 'batch', {
              labels: { 'istio.io/dataplane-mode': 'none' },
            }),
          ],
        }),
      ),
    ).toEqual([
      {
        id: 'ambient-opted-out',
        severity: 'info',
        object: 'shop/Pod/batch',
        message:
          'Pod opted out of ambient mode (istio.io/dataplane-mode=none); it is outside the mesh',
      },
    ]);
  });

  describe('waypointFindings', () => {
    const enrolled = {
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'shop-waypoint',
    };
    const pods = [
      fixturePod('hello.yaml', 'hello-a', { annotations: CAPTURED }),
      fixturePod('hello.yaml', 'hello-b', { annotations: CAPTURED }),
    ];

    it('is quiet with a programmed waypoint, and when the Gateways are unknown', () => {
      expect(
        waypointFindings(
          facts({
            pods,
            namespaceLabels: enrolled,
            gateways: [waypoint('shop-waypoint')],
          }),
        ),
      ).toEqual([]);
      expect(
        waypointFindings(facts({ pods, namespaceLabels: enrolled })),
      ).toEqual([]);
    });

    it('flags a waypoint that is not programmed, once, with why', () => {
      expect(
        waypointFindings(
          facts({
            pods,
            namespaceLabels: enrolled,
            gateways: [waypoint('shop-waypoint', 'False')],
          }),
        ),
      ).toEqual([
        {
          id: 'waypoint-not-programmed',
          severity: 'warning',
          object: 'shop/Gateway/shop-waypoint',
          message:
            'Waypoint shop/shop-waypoint (used by 2 pods through namespace shop) is not programmed (Programmed=False: NoResources: no ready replicas): it does not handle their traffic yet',
          fix: 'kubectl describe gateway shop-waypoint -n shop; kubectl get pods -n shop -l gateway.networking.k8s.io/gateway-name=shop-waypoint',
        },
      ]);
    });

    it('flags a waypoint that does not exist (IST0101), naming the label that asks for it', () => {
      expect(
        waypointFindings(
          facts({
            pods,
            namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' },
            services: [
              helloService({ 'istio.io/use-waypoint': 'hello-waypoint' }),
            ],
            gateways: [],
          }),
        ),
      ).toEqual([
        {
          id: 'waypoint-not-found',
          severity: 'error',
          code: 'IST0101',
          object: 'shop/Gateway/hello-waypoint',
          message:
            'Waypoint shop/hello-waypoint does not exist, but istio.io/use-waypoint on Service shop/hello names it: traffic to 2 pods gets no L7 processing and the policies attached to the waypoint are not enforced',
          fix: 'istioctl waypoint apply -n shop --name hello-waypoint',
        },
      ]);
    });
  });

  describe('l7PolicyFindings', () => {
    const pods = [
      fixturePod('hello.yaml', 'hello-a', { annotations: CAPTURED }),
    ];
    const httpAllow = policy('allow-get', {
      selector: { matchLabels: { app: 'hello' } },
      action: 'ALLOW',
      rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
    });

    it('flags an HTTP policy that selects ambient pods without a waypoint', () => {
      expect(
        l7PolicyFindings(facts({ pods, policies: [httpAllow], gateways: [] })),
      ).toEqual([
        {
          id: 'l7-policy-without-waypoint',
          severity: 'error',
          object: 'shop/AuthorizationPolicy/allow-get',
          message:
            'AuthorizationPolicy shop/allow-get selects 1 ambient pod by label: ztunnel enforces it and sees only L4, so its rules with HTTP fields (to.operation.methods, to.operation.paths) never match and the requests they should allow are denied',
          fix: 'istioctl waypoint apply -n shop --enroll-namespace; then kubectl edit authorizationpolicy allow-get -n shop  # replace spec.selector with spec.targetRefs: [{group: "", kind: Service, name: hello}]',
        },
      ]);
    });

    it('says a selector policy bypasses the waypoint the pods have', () => {
      const [finding] = l7PolicyFindings(
        facts({
          pods,
          namespaceLabels: {
            'istio.io/dataplane-mode': 'ambient',
            'istio.io/use-waypoint': 'shop-waypoint',
          },
          policies: [
            policy('deny-admin', {
              action: 'DENY',
              rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
            }),
          ],
          gateways: [waypoint('shop-waypoint')],
        }),
      );
      expect(finding.message).toBe(
        'AuthorizationPolicy shop/deny-admin applies to 1 ambient pod of namespace shop: ztunnel enforces it and sees only L4, so it ignores the HTTP conditions (to.operation.paths) and denies every matching connection; their waypoint shop/shop-waypoint enforces only policies that target it with targetRefs',
      );
      expect(finding.fix).toBe(
        'kubectl edit authorizationpolicy deny-admin -n shop  # replace spec.selector with spec.targetRefs: [{group: "", kind: Service, name: hello}]',
      );
    });

    it('flags a targetRefs policy on a Service without a working waypoint', () => {
      const targeted = policy('allow-get-svc', {
        targetRefs: [{ kind: 'Service', group: '', name: 'hello' }],
        action: 'ALLOW',
        rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
      });
      const [none] = l7PolicyFindings(facts({ pods, policies: [targeted] }));
      expect(none).toEqual({
        id: 'l7-policy-without-waypoint',
        severity: 'error',
        object: 'shop/AuthorizationPolicy/allow-get-svc',
        message:
          'AuthorizationPolicy shop/allow-get-svc targets Service shop/hello, whose pods are in ambient mode, but the Service has no waypoint (no istio.io/use-waypoint on it or its namespace): ztunnel does not enforce targetRefs policies, so the policy is not enforced',
        fix: 'istioctl waypoint apply -n shop --enroll-namespace  # or: istioctl waypoint apply -n shop && kubectl label service hello -n shop istio.io/use-waypoint=waypoint',
      });
      const labelled = [helloService({ 'istio.io/use-waypoint': 'hello-wp' })];
      expect(
        l7PolicyFindings(
          facts({
            pods,
            services: labelled,
            policies: [targeted],
            gateways: [waypoint('hello-wp', 'False')],
          }),
        )[0].message,
      ).toMatch(
        /; its waypoint shop\/hello-wp is not programmed, so the policy is not enforced$/,
      );
      expect(
        l7PolicyFindings(
          facts({
            pods,
            services: labelled,
            policies: [targeted],
            gateways: [waypoint('hello-wp')],
          }),
        ),
      ).toEqual([]);
    });

    it('flags a policy targeting a Gateway that does not exist or a waypoint not programmed', () => {
      const onWaypoint = policy('on-waypoint', {
        targetRefs: [
          {
            kind: 'Gateway',
            group: 'gateway.networking.k8s.io',
            name: 'shop-waypoint',
          },
        ],
        rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
      });
      expect(
        l7PolicyFindings(
          facts({ pods, policies: [onWaypoint], gateways: [] }),
        )[0].message,
      ).toBe(
        'AuthorizationPolicy shop/on-waypoint targets Gateway shop/shop-waypoint, which does not exist: the policy is not enforced',
      );
      expect(
        l7PolicyFindings(
          facts({
            pods,
            policies: [onWaypoint],
            gateways: [waypoint('shop-waypoint', 'False')],
          }),
        )[0].message,
      ).toMatch(
        /targets waypoint shop\/shop-waypoint, which is not programmed/,
      );
      expect(
        l7PolicyFindings(
          facts({
            pods,
            policies: [onWaypoint],
            gateways: [waypoint('shop-waypoint')],
          }),
        ),
      ).toEqual([]);
      // Gateways not read: nothing to judge
      expect(l7PolicyFindings(facts({ pods, policies: [onWaypoint] }))).toEqual(
        [],
      );
    });

    it('flags CUSTOM policies on ambient pods, and leaves L4 policies and sidecar pods alone', () => {
      const custom = policy('ext-authz', {
        selector: { matchLabels: { app: 'hello' } },
        action: 'CUSTOM',
        provider: { name: 'oauth2-proxy' },
        rules: [{ to: [{ operation: { ports: ['8080'] } }] }],
      });
      expect(
        l7PolicyFindings(facts({ pods, policies: [custom] }))[0].message,
      ).toBe(
        'AuthorizationPolicy shop/ext-authz selects 1 ambient pod by label: ztunnel does not run CUSTOM (external authorization) policies, so it is not enforced',
      );
      const l4 = policy('allow-web', {
        selector: { matchLabels: { app: 'hello' } },
        rules: [
          {
            from: [
              { source: { principals: ['cluster.local/ns/shop/sa/web'] } },
            ],
          },
        ],
      });
      expect(l7PolicyFindings(facts({ pods, policies: [l4] }))).toEqual([]);
      expect(
        l7PolicyFindings(
          facts({
            namespaceLabels: { 'istio-injection': 'enabled' },
            pods: [fixturePod('hello.yaml.injected', 'hello-a')],
            policies: [httpAllow],
          }),
        ),
      ).toEqual([]);
    });
  });

  describe('ztunnelFindings', () => {
    const pods = [
      fixturePod('hello.yaml', 'hello-a', { annotations: CAPTURED }),
    ];

    it('flags a missing ztunnel as an error and an unready one as a warning', () => {
      expect(ztunnelFindings(facts({ pods, ztunnel: null }))).toEqual([
        {
          id: 'ztunnel-not-found',
          severity: 'error',
          object: 'istio-system/DaemonSet/ztunnel',
          message:
            'No ztunnel DaemonSet in the cluster: pods in ambient mode have no node proxy, so they are not in the mesh',
          fix: 'istioctl install --set profile=ambient  # installs istio-cni and ztunnel',
        },
      ]);
      expect(
        ztunnelFindings(facts({ pods, ztunnel: { ...ZTUNNEL, ready: 2 } })),
      ).toEqual([
        {
          id: 'ztunnel-not-ready',
          severity: 'warning',
          object: 'istio-system/DaemonSet/ztunnel',
          message:
            'ztunnel is ready on 2 of 3 nodes: ambient pods on the other nodes are not served',
          fix: 'kubectl rollout status daemonset/ztunnel -n istio-system; kubectl get pods -n istio-system -l app=ztunnel -o wide',
        },
      ]);
    });

    it('says nothing without ambient pods or without a ztunnel read', () => {
      expect(
        ztunnelFindings(
          facts({
            namespaceLabels: { 'istio-injection': 'enabled' },
            pods: [fixturePod('hello.yaml.injected', 'a')],
            ztunnel: null,
          }),
        ),
      ).toEqual([]);
      const unread = facts({ pods });
      delete unread.ztunnel;
      expect(ztunnelFindings(unread)).toEqual([]);
    });
  });
});
