import { revisionInstalledFindings } from './revisions';

describe('revisionInstalledFindings', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['1-27']],
    [undefined, []],
    ['', []],
    ['1-27', ['1-26', '1-27']],
    ['default', ['default']],
  ])(
    'has nothing to say about revision %p with %j installed',
    (rev, installed) => {
      expect(revisionInstalledFindings('shop', rev, installed)).toEqual([]);
    },
  );

  it('reports a revision that is not installed (IST0101), with a fix naming an installed one', () => {
    expect(revisionInstalledFindings('shop', '1-25', ['1-26', '1-27'])).toEqual(
      [
        {
          id: 'revision-not-installed',
          severity: 'error',
          code: 'IST0101',
          object: 'Namespace/shop',
          message:
            "revision '1-25' is not installed in the cluster (installed: 1-26, 1-27)",
          fix: 'Label the namespace with an installed revision: kubectl label namespace shop istio.io/rev=1-26 --overwrite',
        },
      ],
    );
  });

  it('says when no revision is installed at all', () => {
    const [finding] = revisionInstalledFindings('shop', 'canary', []);
    expect(finding.message).toBe(
      "revision 'canary' is not installed in the cluster (installed: none)",
    );
    expect(finding.fix).toBe(
      'Label the namespace with an installed revision: kubectl label namespace shop istio.io/rev=<revision> --overwrite',
    );
  });

  it('compares revisions exactly', () => {
    expect(revisionInstalledFindings('shop', '1-27', ['1-27-1'])).toHaveLength(
      1,
    );
    expect(
      revisionInstalledFindings('shop', 'Canary', ['canary']),
    ).toHaveLength(1);
  });
});
