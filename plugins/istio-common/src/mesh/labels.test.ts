import { selectorMatches } from './labels';

describe('selectorMatches', () => {
  const labels = { app: 'checkout', version: 'v2' };

  it('matches when every selector label has the same value', () => {
    expect(selectorMatches({ app: 'checkout' }, labels)).toBe(true);
    expect(selectorMatches({ app: 'checkout', version: 'v2' }, labels)).toBe(
      true,
    );
  });

  it('does not match a different or missing value', () => {
    expect(selectorMatches({ app: 'cart' }, labels)).toBe(false);
    expect(selectorMatches({ app: 'checkout', track: 'canary' }, labels)).toBe(
      false,
    );
  });

  it('selects nothing with an absent or empty selector', () => {
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(false);
  });
});
