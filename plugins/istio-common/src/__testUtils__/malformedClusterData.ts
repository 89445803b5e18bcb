import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { PodObject } from '../mesh/pods';

/**
 * Malformed cluster data for the fuzz tests of the status assembly: what a
 * cluster can hold that Meshdeck did not write and must still describe
 * (a finding for the object, and an answer that validates against its
 * schema). Pods start from real sidecar-injector output, the fixtures
 * beside the repository clone (`shared/fixtures/istio-injection`), so only
 * the malformed part is made up. Test-only.
 */

/** Where the injector fixtures are, from this file. */
export const INJECTION_FIXTURES = path.resolve(
  __dirname,
  '../../../../../shared/fixtures/istio-injection',
);

/**
 * The pod (or pod template) of an injector fixture, as a live pod: with a
 * name and namespace, running and ready.
 */
export function fixturePod(
  file: string,
  name: string,
  namespace: string,
): PodObject & { apiVersion: string; kind: string } {
  const [doc] = parseAllDocuments(
    fs.readFileSync(path.join(INJECTION_FIXTURES, file), 'utf8'),
  );
  const object = doc.toJSON();
  const template = object.kind === 'Pod' ? object : object.spec.template;
  const containers = [
    ...(template.spec.initContainers ?? []),
    ...(template.spec.containers ?? []),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...template.metadata,
      name,
      namespace,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations },
      creationTimestamp: '2026-01-10T08:00:00Z',
    },
    spec: template.spec,
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c: { name: string }) => ({
        name: c.name,
        ready: true,
        restartCount: 0,
      })),
    },
  };
}

/** Injector fixtures with a pod: classic, native, gateway, none, a Job. */
export const POD_FIXTURES = [
  'hello.yaml.injected',
  'native-sidecar.yaml.injected',
  'gateway.yaml.injected',
  'hello.yaml',
  'job.yaml.injected',
] as const;

/** How a pod's containers are laid out. */
export type Layout =
  | 'as-injected'
  | 'blocking-init'
  | 'two-proxies'
  | 'no-containers';

/**
 * The pod of injector fixture `file` (named `name` in `namespace`) laid out
 * as `layout`, with `sidecar.istio.io/status` as in the fixture
 * (`undefined`), removed (`null`) or replaced.
 */
export function malformedPod(
  file: string,
  layout: Layout,
  status: string | undefined | null,
  name = 'web-1',
  namespace = 'shop',
): PodObject {
  const pod = fixturePod(file, name, namespace);
  const spec = pod.spec!;
  const proxy = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
  ].find(c => c.name === 'istio-proxy') ?? {
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.30.3',
  };
  if (layout === 'blocking-init') {
    spec.containers = (spec.containers ?? []).filter(
      c => c.name !== 'istio-proxy',
    );
    spec.initContainers = [
      ...(spec.initContainers ?? []).filter(c => c.name !== 'istio-proxy'),
      { ...proxy, restartPolicy: undefined },
    ];
  } else if (layout === 'two-proxies') {
    spec.containers = [...(spec.containers ?? []), { ...proxy }, { ...proxy }];
  } else if (layout === 'no-containers') {
    spec.containers = [];
    spec.initContainers = [];
  }
  const annotations = pod.metadata!.annotations!;
  if (status === null) {
    delete annotations['sidecar.istio.io/status'];
  } else if (status !== undefined) {
    annotations['sidecar.istio.io/status'] = status;
  }
  return pod;
}

/** Values of `sidecar.istio.io/status` that are not the injector's JSON. */
export const MALFORMED_INJECTOR_STATUS = [
  'not json',
  '{',
  '[]',
  '"istio-proxy"',
  'null',
  '42',
  '{"containers":"istio-proxy"}',
  '{"initContainers":[1,2],"containers":["istio-proxy"]}',
  '{"containers":{"name":"istio-proxy"}}',
] as const;

/** Arbitrary strings in place of the annotation, some JSON, most not. */
export const arbitraryInjectorStatus: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MALFORMED_INJECTOR_STATUS),
  fc.string({ maxLength: 40 }),
  fc.json({ maxDepth: 2 }),
);

/**
 * A certificate whose validity starts on 2100-01-01 (for `*.fuzz.example`).
 * Made once with @peculiar/x509; only the public certificate, no key.
 */
export const FUTURE_CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBTTCB9KADAgECAgMPDw8wCgYIKoZIzj0EAwIwHjEcMBoGA1UEAxMTZnV0dXJl
LmZ1enouZXhhbXBsZTAiGA8yMTAwMDEwMTAwMDAwMFoYDzIxMDEwMTAxMDAwMDAw
WjAeMRwwGgYDVQQDExNmdXR1cmUuZnV6ei5leGFtcGxlMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEcDBz2bSFrt8lPT+rJ8WXY+9+UoUJD8Y8QNxX05l8ZX/Iq6EV
hbHapCJlWbtuebLIOokgOF31gKw05LpkuFNN2KMdMBswGQYDVR0RBBIwEIIOKi5m
dXp6LmV4YW1wbGUwCgYIKoZIzj0EAwIDSAAwRQIhAPF76dDty6TXdj9RJeDPJCkS
CRRBmXKLZUWnmOyO72iPAiAICOGWEUlHmsovJVAxbh0Tt1C/QaK3cSGJ4fyc7M1e
NA==
-----END CERTIFICATE-----
`;

/** PEM that is not a certificate Node can read. */
export const GARBAGE_PEM = [
  '',
  'not a certificate',
  '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
  '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
  '-----BEGIN CERTIFICATE-----\nMIIB\n', // never ends
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n',
] as const;

/** Arbitrary text and bytes where a PEM certificate belongs. */
export const arbitraryPem: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(...GARBAGE_PEM),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b)),
  fc
    .uint8Array({ minLength: 1, maxLength: 400 })
    .map(
      b =>
        `-----BEGIN CERTIFICATE-----\n${Buffer.from(b)
          .toString('base64')
          .replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    ),
  // a real certificate with one character changed, or cut short
  fc
    .tuple(fc.nat({ max: 400 }), fc.constantFrom('A', '/', '=', '\n', '-'))
    .map(([at, c]) => {
      const start = FUTURE_CERTIFICATE_PEM.indexOf('\n') + 1 + (at % 350);
      return `${FUTURE_CERTIFICATE_PEM.slice(
        0,
        start,
      )}${c}${FUTURE_CERTIFICATE_PEM.slice(start + 1)}`;
    }),
  fc.nat({ max: 500 }).map(n => FUTURE_CERTIFICATE_PEM.slice(0, n)),
);
