import fc from 'fast-check';
import {
  arbitraryInjectorStatus,
  Layout,
  malformedPod as malformed,
  MALFORMED_INJECTOR_STATUS,
  POD_FIXTURES as FIXTURES,
} from '../__testUtils__/malformedClusterData';
import {
  findingSchema,
  NamespaceStatus,
  podStatusSchema,
} from '../status/schema';
import { PodObject, podStatus } from './pods';
import { podLayoutFindings } from './rules/sidecars';

/**
 * Pods the sidecar injector did not quite write: real injector output with
 * the `sidecar.istio.io/status` annotation missing or not JSON, and
 * container layouts no injector makes (istio-proxy as an init container
 * without restartPolicy, two istio-proxy containers, no containers), plus
 * fields of the wrong type. The pod's status always validates against its
 * schema, and each malformed layout gets its finding for that pod.
 */

const RUNS = 500;
const ENABLED: NamespaceStatus = {
  name: 'shop',
  injection: 'sidecar',
  labels: { 'istio-injection': 'enabled' },
};

describe('pods as the injector did not write them', () => {
  it('keep a valid status, and each malformed layout gets its finding', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        fc.constantFrom<Layout>(
          'as-injected',
          'blocking-init',
          'two-proxies',
          'no-containers',
        ),
        fc.oneof(
          fc.constant(undefined), // as the fixture has it
          fc.constant(null), // removed
          arbitraryInjectorStatus,
        ),
        (file, layout, status) => {
          const pod = malformed(file, layout, status);
          podStatusSchema.parse(podStatus(pod, ENABLED));
          const findings = podLayoutFindings(pod);
          findings.forEach(f => findingSchema.parse(f));
          expect(findings.every(f => f.object === 'shop/Pod/web-1')).toBe(true);
          const ids = findings.map(f => f.id);
          expect(ids.includes('sidecar-init-container-blocks')).toBe(
            layout === 'blocking-init',
          );
          expect(ids.includes('sidecar-duplicate-proxy')).toBe(
            layout === 'two-proxies',
          );
          // the gateway's only container is its proxy: moved, none is left
          expect(ids.includes('pod-without-containers')).toBe(
            (pod.spec?.containers ?? []).length === 0,
          );
          const unreadable = ids.includes('sidecar-status-unreadable');
          const known =
            typeof status === 'string' &&
            (MALFORMED_INJECTOR_STATUS as readonly string[]).includes(status);
          // a known malformed annotation is a finding; the fixture's own
          // (or none) is not; random values may be either
          expect({ known, unreadable: known || unreadable }).toEqual({
            known,
            unreadable:
              known || (status !== undefined && status !== null && unreadable),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads fields of the wrong type as absent, never throwing', () => {
    const junk = fc.anything({ maxDepth: 2 });
    fc.assert(
      fc.property(
        fc.record({
          containers: junk,
          initContainers: junk,
          annotations: fc.dictionary(
            fc.constantFrom(
              'sidecar.istio.io/status',
              'inject.istio.io/templates',
              'istio.io/rev',
              'sidecar.istio.io/inject',
            ),
            junk,
          ),
          labels: fc.dictionary(
            fc.constantFrom(
              'sidecar.istio.io/inject',
              'istio.io/rev',
              'istio.io/dataplane-mode',
            ),
            junk,
          ),
          statuses: junk,
          conditions: junk,
          proxy: fc.record(
            {
              image: junk,
              args: junk,
              env: junk,
              resources: junk,
              restartPolicy: junk,
            },
            { requiredKeys: [] },
          ),
        }),
        fc.boolean(),
        (r, withProxy) => {
          const pod = {
            metadata: {
              name: 'odd',
              namespace: 'shop',
              annotations: r.annotations,
              labels: r.labels,
            },
            spec: {
              containers: withProxy
                ? [{ name: 'istio-proxy', ...r.proxy }]
                : r.containers,
              initContainers: r.initContainers,
            },
            status: { containerStatuses: r.statuses, conditions: r.conditions },
          } as unknown as PodObject;
          podStatusSchema.parse(podStatus(pod, ENABLED));
          const findings = podLayoutFindings(pod);
          findings.forEach(f => findingSchema.parse(f));
          expect(findings.every(f => f.object === 'shop/Pod/odd')).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
