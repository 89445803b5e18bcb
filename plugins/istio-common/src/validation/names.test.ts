import {
  validateDns1123Label,
  validateDns1123Subdomain,
  validateHostname,
} from './names';

describe('validateDns1123Label', () => {
  it.each(['a', 'shop', 'shop-v2', '0abc', 'a'.repeat(63)])(
    'accepts %s',
    value => {
      expect(validateDns1123Label(value)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['Shop', 'lower-case'],
    ['-shop', 'start and end'],
    ['shop-', 'start and end'],
    ['shop_v2', 'lower-case'],
    ['shop.v2', 'lower-case'],
    ['a'.repeat(64), 'at most 63 characters (has 64)'],
  ])('rejects %j', (value, message) => {
    expect(validateDns1123Label(value)).toContain(message);
  });
});

describe('validateDns1123Subdomain', () => {
  it('accepts dotted names', () => {
    expect(validateDns1123Subdomain('istio-gateway-cert.v1')).toBeUndefined();
  });
  it('rejects an empty part', () => {
    expect(validateDns1123Subdomain('a..b')).toBe(
      'each dot-separated part must not be empty',
    );
  });
});

describe('validateHostname', () => {
  it.each([
    'shop.example.com',
    '*.example.com',
    'Shop.Example.COM',
    'a-b.c-d.io',
  ])('accepts %s', host => {
    expect(validateHostname(host)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['localhost', 'fully qualified'],
    ['*.com', 'at least two labels'],
    ['shop*.example.com', 'whole first label'],
    ['shop.*.example.com', 'whole first label'],
    ['shop..example.com', 'empty labels'],
    ['shop.example.com.', 'empty labels'],
    ['-shop.example.com', 'label "-shop"'],
    ['shop_1.example.com', 'label "shop_1"'],
    [`${'a'.repeat(64)}.example.com`, 'longer than 63'],
  ])('rejects %j', (host, message) => {
    expect(validateHostname(host)).toContain(message);
  });
});
