import { certificateNameCovers, hostsOverlap, uncoveredHosts } from './hosts';

describe('certificateNameCovers', () => {
  it.each([
    ['shop.example.com', 'shop.example.com', true],
    ['SHOP.example.com', 'shop.EXAMPLE.com', true],
    ['*.example.com', 'shop.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.shop.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['shop.example.com', '*.example.com', false],
    ['*.example.com', '*.shop.example.com', false],
    ['other.example.com', 'shop.example.com', false],
  ])('%s covers %s: %s', (san, host, expected) => {
    expect(certificateNameCovers(san, host)).toBe(expected);
  });

  it('lists the hosts no name covers', () => {
    expect(
      uncoveredHosts(
        ['*.example.com', 'example.com'],
        [
          'shop.example.com',
          'example.com',
          'a.b.example.com',
          'shop.example.org',
        ],
      ),
    ).toEqual(['a.b.example.com', 'shop.example.org']);
  });
});

describe('hostsOverlap', () => {
  it.each([
    ['shop.example.com', 'shop.example.com', true],
    ['shop.example.com', 'Shop.Example.com', true],
    ['*.example.com', 'shop.example.com', true],
    ['shop.example.com', '*.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*', 'anything.example.org', true],
    ['shop.example.com', 'cart.example.com', false],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '*.example.org', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
  });
});
