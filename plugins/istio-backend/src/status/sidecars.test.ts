import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import { NamespaceStatus } from '@meshdeck/plugin-istio-common';
import { namespaceFindings, namespaceStatus } from './namespaces';
import {
  deploymentFromNames,
  groupWorkloads,
  needsReplicaSetOwner,
  imageVersion,
  sidecarFindings,
  sidecarOf,
} from './sidecars';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.30.3';

function pod(name: string, extra: Partial<V1Pod> = {}): V1Pod {
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
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 2, image: '', imageID: '' },
      ],
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
        '{"revision":"1-30","containers":["istio-proxy"]}',
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'checkout-7d9',
        uid: '1',
        controller: true,
      },
    ],
  },
  spec: {
    containers: [
      { name: 'app', image: 'shop/checkout:2.1' },
      {
        name: 'istio-proxy',
        image: PROXY_IMAGE,
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
    containerStatuses: [
      { name: 'app', ready: true, restartCount: 1, image: '', imageID: '' },
      {
        name: 'istio-proxy',
        ready: true,
        restartCount: 3,
        image: '',
        imageID: '',
      },
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
    initContainerStatuses: [
      {
        name: 'istio-proxy',
        ready: false,
        restartCount: 4,
        image: '',
        imageID: '',
      },
    ],
  },
});

const sidecarNs: NamespaceStatus = {
  name: 'shop',
  injection: 'sidecar',
  labels: { 'istio-injection': 'enabled' },
  labelledAt: '2026-11-21T00:00:00Z',
};

describe('groupWorkloads', () => {
  it('groups pods by Deployment (via ReplicaSet), StatefulSet and bare pod', () => {
    const stateful = pod('db-0', {
      metadata: {
        name: 'db-0',
        namespace: 'shop',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            name: 'db',
            uid: '2',
            controller: true,
          },
        ],
      },
    });
    const workloads = groupWorkloads(
      [classic, stateful, pod('debug')],
      new Map([['shop', sidecarNs]]),
      new Map([
        ['shop/checkout-7d9', { kind: 'Deployment', name: 'checkout' }],
      ]),
    );
    expect(
      workloads.map(w => [w.kind, w.name, w.pods.map(p => p.name)]),
    ).toEqual([
      ['Deployment', 'checkout', ['classic-1']],
      ['Pod', 'debug', ['debug']],
      ['StatefulSet', 'db', ['db-0']],
    ]);
    expect(workloads[0].pods[0]).toMatchObject({
      phase: 'Running',
      ready: true,
      restarts: 4,
    });
  });
});

describe('deploymentFromNames', () => {
  const ownedBy = (rs: string, hash?: string) =>
    pod('p', {
      metadata: {
        name: 'p',
        namespace: 'shop',
        labels: hash ? { 'pod-template-hash': hash } : {},
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs,
            uid: '9',
            controller: true,
          },
        ],
      },
    });

  it('reads the Deployment from the ReplicaSet name and pod-template-hash', () => {
    const p = ownedBy('checkout-v2-5f7c9d8b4', '5f7c9d8b4');
    expect(deploymentFromNames(p)).toBe('checkout-v2');
    expect(needsReplicaSetOwner(p)).toBe(false);
    expect(
      groupWorkloads([p], new Map(), new Map()).map(w => [w.kind, w.name]),
    ).toEqual([['Deployment', 'checkout-v2']]);
  });

  it('leaves other ReplicaSets to be read', () => {
    for (const p of [ownedBy('batch'), ownedBy('rollout-abc', 'xyz')]) {
      expect(deploymentFromNames(p)).toBeUndefined();
      expect(needsReplicaSetOwner(p)).toBe(true);
    }
    expect(needsReplicaSetOwner(pod('bare'))).toBe(false);
    // an owner that was read wins over the names
    expect(
      groupWorkloads(
        [ownedBy('rollout-abc', 'xyz')],
        new Map(),
        new Map([['shop/rollout-abc', { kind: 'Rollout', name: 'rollout' }]]),
      ).map(w => [w.kind, w.name]),
    ).toEqual([['Rollout', 'rollout']]);
  });
});

describe('sidecarFindings', () => {
  it('says why sidecars are missing, with the command that fixes it', () => {
    const workloads = groupWorkloads(
      [
        pod('old-1', {
          metadata: {
            name: 'old-1',
            namespace: 'shop',
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: 'web-1',
                uid: '3',
                controller: true,
              },
            ],
          },
        }),
      ],
      new Map([['shop', sidecarNs]]),
      new Map([['shop/web-1', { kind: 'Deployment', name: 'web' }]]),
    );
    expect(sidecarFindings(workloads, [])).toEqual([
      {
        id: 'sidecar-missing',
        severity: 'warning',
        code: 'IST0103',
        object: 'shop/Pod/old-1',
        message:
          'Pod has no sidecar: it was created before its namespace was enabled for injection',
        fix: 'kubectl rollout restart deployment/web -n shop',
      },
    ]);
  });

  it('flags unlabelled namespaces (IST0102) and differing proxy versions (IST0158)', () => {
    const none: NamespaceStatus = {
      name: 'shop',
      injection: 'none',
      labels: {},
    };
    const workloads = groupWorkloads(
      [classic, native, pod('plain')],
      new Map([['shop', none]]),
      new Map(),
    );
    const findings = sidecarFindings(workloads, ['1.30.3']);
    expect(findings.map(f => [f.code, f.object])).toEqual([
      ['IST0103', 'shop/Pod/plain'],
      ['IST0102', 'Namespace/shop'],
      ['IST0158', 'Namespace/shop'],
      ['IST0158', 'Namespace/shop'],
    ]);
    expect(findings[2].message).toBe(
      'Sidecars in the namespace run different proxy versions: 1.29.1, 1.30.3',
    );
    expect(findings[3].message).toBe(
      'Sidecar version 1.29.1 differs from the control plane (1.30.3)',
    );
    expect(findings[1].fix).toBe(
      'kubectl label namespace shop istio-injection=enabled',
    );
  });
});

describe('re-exports from the mesh rule book', () => {
  it('classifies V1Pods and V1Namespaces (Date timestamps) as istio-common does', () => {
    const namespace: V1Namespace = {
      metadata: {
        name: 'shop',
        labels: { 'istio-injection': 'enabled', 'istio.io/rev': '1-30' },
        managedFields: [
          {
            manager: 'meshdeck',
            operation: 'Apply',
            time: new Date('2026-11-21T00:00:00Z'),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': { 'f:labels': { 'f:istio-injection': {} } },
            },
          },
        ],
      },
    };
    const status = namespaceStatus(namespace);
    expect(status).toMatchObject({
      injection: 'sidecar',
      labelledAt: '2026-11-21T00:00:00.000Z',
    });
    expect(namespaceFindings(status).map(f => f.code)).toEqual(['IST0123']);

    expect(sidecarOf(classic, status)).toMatchObject({
      injected: true,
      native: false,
      version: '1.30.3',
      revision: '1-30',
    });
    expect(sidecarOf(native, status)).toMatchObject({
      injected: true,
      native: true,
      version: '1.29.1',
    });
    expect(imageVersion(PROXY_IMAGE)).toBe('1.30.3');
    // created 2026-11-20, before the label
    expect(sidecarOf(pod('old'), status).missingReason).toBe(
      'created-before-injection',
    );
  });
});
