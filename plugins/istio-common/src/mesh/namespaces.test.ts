import { namespaceStatus, NamespaceObject } from './namespaces';

function ns(
  labels: Record<string, string>,
  time: Date | string = new Date('2026-11-21T00:00:00Z'),
): NamespaceObject {
  return {
    metadata: {
      name: 'shop',
      labels,
      managedFields: [
        {
          time: new Date('2026-11-01T00:00:00Z'),
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
        },
        {
          time,
          fieldsV1: {
            'f:metadata': {
              'f:labels': { 'f:istio-injection': {}, 'f:istio.io/rev': {} },
            },
          },
        },
      ],
    },
  };
}

describe('namespaceStatus', () => {
  it.each([
    [{ 'istio-injection': 'enabled' }, 'sidecar'],
    [{ 'istio.io/rev': '1-30' }, 'revision'],
    [{ 'istio.io/dataplane-mode': 'ambient' }, 'ambient'],
    [
      { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' },
      'ambient',
    ],
    [{ 'istio-injection': 'enabled', 'istio.io/rev': '1-30' }, 'sidecar'],
    [{ 'istio-injection': 'disabled', 'istio.io/rev': '1-30' }, 'none'],
    [{ 'istio-injection': 'disabled' }, 'none'],
    [{ team: 'payments' }, 'none'],
  ])('%j means %s', (labels, injection) => {
    expect(namespaceStatus(ns(labels)).injection).toBe(injection);
  });

  it('keeps only the labels that decide injection, and the revision', () => {
    expect(
      namespaceStatus(ns({ 'istio.io/rev': '1-30', team: 'payments' })),
    ).toEqual({
      name: 'shop',
      injection: 'revision',
      revision: '1-30',
      labels: { 'istio.io/rev': '1-30' },
      labelledAt: '2026-11-21T00:00:00.000Z',
    });
  });

  it('knows when the injection label was set, from managedFields (Date or string)', () => {
    expect(
      namespaceStatus(ns({ 'istio-injection': 'enabled' })).labelledAt,
    ).toBe('2026-11-21T00:00:00.000Z');
    expect(
      namespaceStatus(
        ns({ 'istio-injection': 'enabled' }, '2026-11-21T00:00:00Z'),
      ).labelledAt,
    ).toBe('2026-11-21T00:00:00Z');
    expect(
      namespaceStatus({
        metadata: { name: 'x', labels: { 'istio-injection': 'enabled' } },
      }).labelledAt,
    ).toBeUndefined();
  });

  it('reads an empty object as a nameless namespace outside the mesh', () => {
    expect(namespaceStatus({})).toEqual({
      name: '',
      injection: 'none',
      labels: {},
    });
  });
});
