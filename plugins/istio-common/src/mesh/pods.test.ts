import type { NamespaceStatus } from '../status/schema';
import { sidecarSchema } from '../status/schema';
import {
  imageVersion,
  injectorStatus,
  PodObject,
  podCreatedAt,
  podStatus,
  proxyContainer,
  sidecarOf,
} from './pods';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';

function pod(name: string, extra: Partial<PodObject> = {}): PodObject {
  return {
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: new Date('2026-11-20T10:00:00Z'),
      ...extra.metadata,
    },
    spec: {
      containers: [{ name: 'app', image: 'shop/checkout:2.1' }],
      ...extra.spec,
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 2 }],
      ...extra.status,
    },
  };
}

const classic = pod('classic-1', {
  metadata: {
    name: 'classic-1',
    namespace: 'shop',
    annotations: {
      'sidecar.istio.io/status':
        '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"1-30"}',
    },
  },
  spec: {
    initContainers: [{ name: 'istio-init', image: PROXY_IMAGE }],
    containers: [
      { name: 'app', image: 'shop/checkout:2.1' },
      {
        name: 'istio-proxy',
        image: PROXY_IMAGE,
        args: ['proxy', 'sidecar'],
        env: [{ name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' }],
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { memory: '1Gi' },
        },
      },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    initContainerStatuses: [
      { name: 'istio-init', ready: false, restartCount: 7 },
    ],
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 1 },
      { name: 'istio-proxy', ready: true, restartCount: 3 },
    ],
  },
});

const native = pod('native-1', {
  spec: {
    containers: [{ name: 'app', image: 'shop/checkout:2.1' }],
    initContainers: [
      { name: 'istio-validation', image: PROXY_IMAGE },
      {
        name: 'istio-proxy',
        image: 'istio/proxyv2:1.29.1@sha256:abc',
        restartPolicy: 'Always',
      },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 1 }],
    initContainerStatuses: [
      { name: 'istio-validation', ready: false, restartCount: 5 },
      { name: 'istio-proxy', ready: false, restartCount: 4 },
    ],
  },
});

const sidecarNs: NamespaceStatus = {
  name: 'shop',
  injection: 'sidecar',
  labels: { 'istio-injection': 'enabled' },
  labelledAt: '2026-11-21T00:00:00Z',
};
const noneNs: NamespaceStatus = { name: 'shop', injection: 'none', labels: {} };
const ambientNs: NamespaceStatus = {
  name: 'shop',
  injection: 'ambient',
  labels: { 'istio.io/dataplane-mode': 'ambient' },
};

describe('sidecarOf', () => {
  it('reads a classic istio-proxy container', () => {
    const sidecar = sidecarOf(classic, sidecarNs);
    expect(sidecar).toEqual({
      injected: true,
      native: false,
      kind: 'sidecar',
      image: PROXY_IMAGE,
      version: '1.30.3',
      revision: '1-30',
      ready: true,
      resources: {
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { memory: '1Gi' },
      },
      interceptionMode: 'REDIRECT',
      injectedContainers: ['istio-init', 'istio-proxy'],
    });
    expect(sidecarSchema.parse(sidecar)).toEqual(sidecar);
  });

  it('reads a native sidecar (init container with restartPolicy Always), not istio-validation', () => {
    expect(sidecarOf(native, sidecarNs)).toEqual({
      injected: true,
      native: true,
      kind: 'sidecar',
      image: 'istio/proxyv2:1.29.1@sha256:abc',
      version: '1.29.1',
      ready: false,
    });
    expect(proxyContainer(native)?.container.name).toBe('istio-proxy');
  });

  it('does not take an istio-proxy init container without restartPolicy Always for a proxy', () => {
    const p = pod('x', {
      spec: {
        containers: [{ name: 'app' }],
        initContainers: [{ name: 'istio-proxy', image: PROXY_IMAGE }],
      },
    });
    expect(proxyContainer(p)).toBeUndefined();
    expect(sidecarOf(p, noneNs).injected).toBe(false);
  });

  it('knows a gateway by `proxy router` or the gateway template, and a waypoint by `proxy waypoint`', () => {
    const gateway = pod('gw', {
      metadata: {
        name: 'gw',
        // Istio's own gateway deployments opt out of injection: the proxy is theirs
        labels: { 'sidecar.istio.io/inject': 'false' },
        annotations: { 'istio.io/rev': '1-30' },
      },
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            image: PROXY_IMAGE,
            args: ['proxy', 'router', '--domain', 'x'],
            resources: {},
          },
        ],
      },
    });
    expect(sidecarOf(gateway, noneNs)).toEqual({
      injected: true,
      native: false,
      kind: 'gateway',
      image: PROXY_IMAGE,
      version: '1.30.3',
      revision: '1-30',
      ready: false,
    });

    const templated = pod('gw2', {
      metadata: {
        name: 'gw2',
        annotations: { 'inject.istio.io/templates': 'gateway' },
      },
      spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
    });
    expect(sidecarOf(templated, sidecarNs)).toMatchObject({
      injected: true,
      kind: 'gateway',
      version: undefined,
    });

    const waypoint = pod('wp', {
      spec: {
        containers: [
          {
            name: 'istio-proxy',
            image: PROXY_IMAGE,
            args: ['proxy', 'waypoint'],
          },
        ],
      },
    });
    expect(sidecarOf(waypoint, ambientNs)).toMatchObject({
      injected: true,
      kind: 'waypoint',
    });
  });

  it('reads the interception mode from the annotation before the proxy env', () => {
    const none = pod('n', {
      metadata: {
        name: 'n',
        annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' },
      },
      spec: {
        containers: [{ name: 'app' }],
        initContainers: [
          {
            name: 'istio-proxy',
            restartPolicy: 'Always',
            env: [{ name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' }],
          },
        ],
      },
    });
    expect(sidecarOf(none, sidecarNs)).toMatchObject({
      native: true,
      interceptionMode: 'NONE',
    });
  });

  it.each<[string, PodObject, NamespaceStatus, string]>([
    ['namespace not labelled', pod('a'), noneNs, 'namespace-not-labelled'],
    [
      'opted out by annotation',
      pod('b', {
        metadata: {
          name: 'b',
          annotations: { 'sidecar.istio.io/inject': 'false' },
        },
      }),
      sidecarNs,
      'opted-out',
    ],
    [
      'opted out by label',
      pod('c', {
        metadata: { name: 'c', labels: { 'sidecar.istio.io/inject': 'false' } },
      }),
      sidecarNs,
      'opted-out',
    ],
    [
      'opted out by any value istiod does not read as true',
      pod('c2', {
        metadata: { name: 'c2', labels: { 'sidecar.istio.io/inject': 'no' } },
      }),
      sidecarNs,
      'opted-out',
    ],
    [
      'the label wins over the annotation',
      pod('c3', {
        metadata: {
          name: 'c3',
          labels: { 'sidecar.istio.io/inject': 'true' },
          annotations: { 'sidecar.istio.io/inject': 'false' },
        },
      }),
      sidecarNs,
      'created-before-injection',
    ],
    [
      'opted in by pod label in an unlabelled namespace',
      pod('c4', {
        metadata: { name: 'c4', labels: { 'sidecar.istio.io/inject': 'true' } },
      }),
      noneNs,
      'unknown',
    ],
    ['ambient namespace', pod('d'), ambientNs, 'ambient'],
    [
      'ambient pod',
      pod('d2', {
        metadata: {
          name: 'd2',
          labels: { 'istio.io/dataplane-mode': 'ambient' },
        },
      }),
      noneNs,
      'ambient',
    ],
    [
      'created before the label',
      pod('e'),
      sidecarNs,
      'created-before-injection',
    ],
    [
      'created after the label',
      pod('f', {
        metadata: {
          name: 'f',
          creationTimestamp: new Date('2026-11-22T00:00:00Z'),
        },
      }),
      sidecarNs,
      'unknown',
    ],
    [
      'created before the label (string timestamp, as in raw JSON)',
      pod('g', {
        metadata: { name: 'g', creationTimestamp: '2026-11-20T10:00:00Z' },
      }),
      sidecarNs,
      'created-before-injection',
    ],
  ])('explains a missing sidecar: %s', (_, p, ns, reason) => {
    expect(sidecarOf(p, ns)).toEqual({
      injected: false,
      native: false,
      missingReason: reason,
    });
  });

  it('says when the injector ran but added no proxy (the early ambient template)', () => {
    const p = pod('t', {
      metadata: {
        name: 't',
        annotations: {
          'sidecar.istio.io/status':
            '{"initContainers":["istio-validation"],"containers":null,"volumes":null,"revision":"default"}',
        },
      },
      spec: {
        containers: [{ name: 'app' }],
        initContainers: [{ name: 'istio-validation', image: PROXY_IMAGE }],
      },
    });
    // neither the namespace label nor the creation time explain it
    for (const ns of [sidecarNs, noneNs]) {
      expect(sidecarOf(p, ns)).toEqual({
        injected: false,
        native: false,
        missingReason: 'unknown',
        injectedContainers: ['istio-validation'],
      });
    }
    expect(sidecarOf(p, ambientNs).missingReason).toBe('ambient');
  });

  it('marks hostNetwork pods, which neither injection nor ambient capture take', () => {
    const p = pod('h', {
      spec: { containers: [{ name: 'app' }], hostNetwork: true },
    });
    for (const ns of [sidecarNs, noneNs, ambientNs]) {
      expect(sidecarOf(p, ns)).toEqual({
        injected: false,
        native: false,
        missingReason: 'unknown',
        hostNetwork: true,
      });
    }
  });
});

describe('injectorStatus', () => {
  it('reads the injector record and tolerates nulls and bad JSON', () => {
    expect(injectorStatus(classic)).toEqual({
      initContainers: ['istio-init'],
      containers: ['istio-proxy'],
      revision: '1-30',
    });
    expect(
      injectorStatus(
        pod('x', {
          metadata: {
            annotations: {
              'sidecar.istio.io/status':
                '{"initContainers":null,"containers":["istio-proxy"]}',
            },
          },
        }),
      ),
    ).toEqual({ initContainers: [], containers: ['istio-proxy'] });
    expect(
      injectorStatus(
        pod('y', {
          metadata: { annotations: { 'sidecar.istio.io/status': '{oops' } },
        }),
      ),
    ).toBeUndefined();
    expect(injectorStatus(pod('z'))).toBeUndefined();
  });

  it('parses each distinct record once and shares it, frozen', () => {
    const record = JSON.stringify({
      containers: ['istio-proxy'],
      revision: 'shared-once',
    });
    const withRecord = (name: string) =>
      pod(name, {
        metadata: { annotations: { 'sidecar.istio.io/status': record } },
      });
    const first = injectorStatus(withRecord('a'));
    expect(injectorStatus(withRecord('b'))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first!.containers)).toBe(true);
  });
});

describe('imageVersion', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.30.3', '1.30.3'],
    ['gcr.io/istio-testing/proxyv2:latest', 'latest'],
    ['registry:5000/istio/proxyv2', undefined],
    ['registry:5000/istio/proxyv2:1.30.3', '1.30.3'],
    ['istio/proxyv2:1.29.1-distroless@sha256:abc', '1.29.1-distroless'],
    ['istio/proxyv2@sha256:abc', undefined],
    [undefined, undefined],
  ])('version of image %s is %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});

describe('podCreatedAt', () => {
  it('accepts a Date, a string, or nothing', () => {
    expect(
      podCreatedAt({
        metadata: { creationTimestamp: new Date('2026-01-01T00:00:00Z') },
      }),
    ).toBe('2026-01-01T00:00:00.000Z');
    expect(
      podCreatedAt({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' } }),
    ).toBe('2026-01-01T00:00:00Z');
    expect(podCreatedAt({ metadata: { creationTimestamp: null } })).toBe(
      undefined,
    );
    expect(podCreatedAt({})).toBeUndefined();
  });
});

describe('podStatus', () => {
  it('counts app and proxy restarts, not finished init containers', () => {
    expect(podStatus(classic, sidecarNs)).toMatchObject({
      name: 'classic-1',
      phase: 'Running',
      ready: true,
      restarts: 4,
      createdAt: '2026-11-20T10:00:00.000Z',
      sidecar: { injected: true, native: false },
    });
    expect(podStatus(native, sidecarNs)).toMatchObject({
      ready: false,
      restarts: 5,
      sidecar: { injected: true, native: true },
    });
  });

  it('reads a pod without status as not ready, phase Unknown', () => {
    expect(podStatus({ metadata: { name: 'p' } }, noneNs)).toEqual({
      name: 'p',
      phase: 'Unknown',
      ready: false,
      restarts: 0,
      createdAt: undefined,
      sidecar: {
        injected: false,
        native: false,
        missingReason: 'namespace-not-labelled',
      },
    });
  });
});
