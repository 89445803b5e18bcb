import type { NamespaceStatus } from '../../status/schema';
import { namespaceStatus } from '../namespaces';
import { namespaceFindings } from './injection';

describe('namespaceFindings', () => {
  it('reports both injection labels as IST0123', () => {
    const status = namespaceStatus({
      metadata: {
        name: 'shop',
        labels: { 'istio-injection': 'enabled', 'istio.io/rev': '1-30' },
      },
    });
    expect(namespaceFindings(status)).toEqual([
      {
        id: 'namespace-multiple-injection-labels',
        severity: 'error',
        code: 'IST0123',
        object: 'Namespace/shop',
        message:
          'Namespace has both istio-injection and istio.io/rev; istio-injection wins and the revision label is ignored',
        fix: 'kubectl label namespace shop istio.io/rev-',
      },
    ]);
  });

  it.each<NamespaceStatus['labels']>([
    { 'istio-injection': 'enabled' },
    { 'istio.io/rev': '1-30' },
    { 'istio.io/dataplane-mode': 'ambient' },
    {},
  ])('finds nothing for %j', labels => {
    expect(
      namespaceFindings({ name: 'shop', injection: 'none', labels }),
    ).toEqual([]);
  });
});
