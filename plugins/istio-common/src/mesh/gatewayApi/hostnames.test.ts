import {
  compareHostnamePrecedence,
  gatewayHostnameIntersection,
  routeHostnamesOnListener,
} from './hostnames';

describe('gatewayHostnameIntersection', () => {
  // the table of "Hostnames in Gateway API" (v1.5.1), hostname intersection
  it.each([
    ['www.example.com', 'www.example.com', 'www.example.com'],
    ['*.example.com', 'www.example.com', 'www.example.com'],
    ['*.example.com', 'sub.domain.example.com', 'sub.domain.example.com'],
    ['www.example.com', '*.example.com', 'www.example.com'],
    ['sub.domain.example.com', '*.example.com', 'sub.domain.example.com'],
    ['*.example.com', '*.example.com', '*.example.com'],
    ['*.com', '*.example.com', '*.example.com'],
    [undefined, 'www.example.com', 'www.example.com'],
    [undefined, undefined, '*'],
    ['*', '*', '*'],
    ['www.example.com', undefined, 'www.example.com'],
    ['WWW.Example.com', 'www.example.COM', 'www.example.com'],
  ])('%s and %s intersect in %s', (listener, route, expected) => {
    expect(gatewayHostnameIntersection(listener, route)).toBe(expected);
    // symmetric
    expect(gatewayHostnameIntersection(route, listener)).toBe(expected);
  });

  it.each([
    ['*.example.com', 'example.com'],
    ['www.example.com', 'foo.example.com'],
    ['*.example.com', '*.example.net'],
    ['*.example.com', 'example.com.evil.net'],
    ['*.foo.example.com', 'bar.example.com'],
  ])('%s and %s do not intersect', (a, b) => {
    expect(gatewayHostnameIntersection(a, b)).toBeUndefined();
    expect(gatewayHostnameIntersection(b, a)).toBeUndefined();
  });
});

describe('routeHostnamesOnListener', () => {
  it("gives a route without hostnames the listener's", () => {
    expect(routeHostnamesOnListener('*.example.com', [])).toEqual([
      '*.example.com',
    ]);
    expect(routeHostnamesOnListener(undefined, [])).toEqual(['*']);
  });

  it('keeps the intersections and drops hostnames the listener does not serve', () => {
    expect(
      routeHostnamesOnListener('*.example.com', [
        'test.example.com',
        'test.example.net',
        'a.b.example.com',
        '*.com',
      ]),
    ).toEqual(['test.example.com', 'a.b.example.com', '*.example.com']);
    expect(
      routeHostnamesOnListener('shop.example.com', ['x.example.net']),
    ).toEqual([]);
  });
});

describe('compareHostnamePrecedence', () => {
  it('prefers a precise hostname, then the longer one', () => {
    expect(
      compareHostnamePrecedence('shop.example.com', '*.example.com'),
    ).toBeLessThan(0);
    expect(
      compareHostnamePrecedence('*.example.com', '*.shop.example.com'),
    ).toBeGreaterThan(0);
    expect(
      compareHostnamePrecedence('shop.example.com', 'shop.example.com'),
    ).toBe(0);
  });
});
