import {
  LabelSelectorError,
  matchesLabels,
  parseLabelSelector,
} from './labelSelector';

const match = (selector: string, labels: Record<string, string>) =>
  matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  const labels = { app: 'reviews', version: 'v2', tier: 'web' };

  it('matches everything with the empty selector', () => {
    expect(match('', labels)).toBe(true);
    expect(match('', {})).toBe(true);
  });

  it('matches equality terms (=, ==, !=)', () => {
    expect(match('app=reviews', labels)).toBe(true);
    expect(match('app==reviews', labels)).toBe(true);
    expect(match('app=ratings', labels)).toBe(false);
    expect(match('app=reviews,version=v2', labels)).toBe(true);
    expect(match('app=reviews,version=v1', labels)).toBe(false);
    expect(match('version!=v1', labels)).toBe(true);
    expect(match('version!=v2', labels)).toBe(false);
    // != matches objects without the key, as the API server does
    expect(match('canary!=true', labels)).toBe(true);
  });

  it('matches set terms (in, notin) and existence (key, !key)', () => {
    expect(match('version in (v1, v2)', labels)).toBe(true);
    expect(match('version in (v1,v3)', labels)).toBe(false);
    expect(match('version notin (v1,v3)', labels)).toBe(true);
    expect(match('version notin (v2)', labels)).toBe(false);
    expect(match('missing notin (a)', labels)).toBe(true);
    expect(match('missing in (a)', labels)).toBe(false);
    expect(match('tier', labels)).toBe(true);
    expect(match('canary', labels)).toBe(false);
    expect(match('!canary', labels)).toBe(true);
    expect(match('!tier', labels)).toBe(false);
    expect(match('app=reviews, version in (v1,v2), !canary', labels)).toBe(
      true,
    );
  });

  it('matches prefixed keys and empty values', () => {
    const l = { 'backstage.io/kubernetes-id': 'checkout', empty: '' };
    expect(match('backstage.io/kubernetes-id=checkout', l)).toBe(true);
    expect(match('empty=', l)).toBe(true);
    expect(match('empty=x', l)).toBe(false);
  });

  it('lists the equalities an index lookup can start from', () => {
    expect(
      parseLabelSelector('app=a,tier!=db,version in (v1),env in (x,y)')
        .equalities,
    ).toEqual([
      ['app', 'a'],
      ['version', 'v1'],
    ]);
  });

  it('refuses keys the API server would refuse', () => {
    expect(() => parseLabelSelector('-bad=x')).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector('a b')).toThrow(/not a label key/);
  });
});
