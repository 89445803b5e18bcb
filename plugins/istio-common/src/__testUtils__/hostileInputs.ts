import fc from 'fast-check';
import { INPUT_LIMITS } from '../inputs/limits';

/**
 * fast-check arbitraries of hostile input for Meshdeck's fuzz tests: what a
 * template user (or a caller of the HTTP API) can type into a field that
 * Meshdeck must refuse with a clear message naming the field, never a 500
 * and never a write. One file for every fuzz test (the input schemas'
 * properties here, the scaffolder actions and the backend's HTTP API in
 * their packages), so a new kind of bad input reaches all of them.
 *
 * Each hostile arbitrary is built to be invalid for the validator it names
 * (never valid by chance), so a property that expects a refusal can fail
 * only on a real bug. The `valid*` arbitraries produce values the same
 * validators must accept. Test-only; not part of any published entry point.
 */

// ---------------------------------------------------------------- characters

/** Characters that mean something in YAML (and a few that end a line). */
export const YAML_SIGNIFICANT = [
  ':',
  ': ',
  '#',
  ' #',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  '{',
  '}',
  '[',
  ']',
  ',',
  '?',
  '\n',
  '\r\n',
  '\n---\n',
  '---',
  '\n- ',
  '\t',
] as const;

/** Unicode that looks like (or hides inside) an ASCII name. */
export const UNICODE_LOOKALIKES = [
  'é',
  'ü',
  'ß',
  'ш',
  'ο', // Greek omicron, looks like "o"
  'а', // Cyrillic a, looks like "a"
  '中',
  '🙂',
  '\u200b', // zero-width space
  '\u202e', // right-to-left override
  'İ', // upper-case dotted I: lower-cases to two code points
  'ａ', // full-width a
] as const;

/** Characters no Kubernetes or DNS name may contain. */
export const BAD_NAME_CHARS = [
  ...YAML_SIGNIFICANT,
  ...UNICODE_LOOKALIKES,
  ' ',
  '_',
  '/',
  '\\',
  '+',
  '=',
  '$',
  '(',
  ';',
  '<',
  '\u0000',
  '\u007f',
] as const;

const badChar = fc.constantFrom(...BAD_NAME_CHARS);

/** A bad character with at least one character `allowed` does not match. */
const badCharBut = (allowed: RegExp) =>
  badChar.filter(c => [...c].some(ch => !allowed.test(ch)));

/** Values of the wrong JSON type for a string field. */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.constant({ nested: 'object' }),
);

// ---------------------------------------------------------------- valid names

/** A DNS-1123 label (namespace, Service, subset name). */
export const validDnsLabel = fc.stringMatching(
  /^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/,
);

/** A DNS-1123 subdomain (most object names): one to three labels. */
export const validObjectName = fc
  .array(validDnsLabel, { minLength: 1, maxLength: 3 })
  .map(parts => parts.join('.'));

/** The last label of a public host name: never all digits (not an IP). */
const topLevelLabel = fc.stringMatching(/^[a-z]([a-z0-9]{0,6}[a-z])?$/);

/**
 * A public host name as Istio and the Gateway API take it: two to four
 * labels, sometimes a punycode (IDN) label, sometimes a leading `*.`.
 * Lower case; see {@link mixedCaseHost} for Istio's case-insensitive form.
 */
export const validHostname = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.oneof(
        { weight: 4, arbitrary: validDnsLabel },
        {
          weight: 1,
          arbitrary: fc.constantFrom('xn--bcher-kva', 'xn--80ak6aa92e'),
        },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    topLevelLabel,
  )
  .map(
    ([wildcard, labels, tld]) =>
      `${wildcard ? '*.' : ''}${labels.join('.')}.${tld}`,
  );

/** A valid host in mixed case (Istio accepts it; the Gateway API does not). */
export const mixedCaseHost = validHostname
  .filter(h => /[a-z]/.test(h))
  .map(h => h.replace(/[a-z]/, c => c.toUpperCase()));

/** A Kubernetes label key, with or without a prefix. */
export const validLabelKey = fc
  .tuple(fc.option(validObjectName, { nil: undefined }), validDnsLabel)
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));

/** A Kubernetes label value (may be empty). */
export const validLabelValue = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?$/),
);

/** A label map that sets none of Istio's injection or waypoint labels. */
export const validLabels = (maxKeys = 4) =>
  fc.dictionary(
    validLabelKey.filter(
      k => !k.startsWith('istio') && !k.includes('istio.io'),
    ),
    validLabelValue,
    { maxKeys },
  );

/** A TCP port. */
export const validPort = fc.integer({ min: 1, max: 65535 });

/** An HTTP path prefix: `/` and up to three plain segments. */
export const validHttpPath = fc
  .array(fc.stringMatching(/^[a-z0-9][-a-z0-9._~]{0,10}$/), { maxLength: 3 })
  .map(segments => `/${segments.join('/')}`);

/** Weights for `n` destinations that add up to 100. */
export const weightsSummingTo100 = (n: number) =>
  fc
    .array(fc.integer({ min: 0, max: 100 }), {
      minLength: n - 1,
      maxLength: n - 1,
    })
    .map(cuts => {
      const points = [0, ...[...cuts].sort((a, b) => a - b), 100];
      return points.slice(1).map((p, i) => p - points[i]);
    });

// ---------------------------------------------------------------- hostile names

const longLowerString = (min: number, max: number) =>
  fc.integer({ min, max }).chain(n =>
    fc
      .string({
        unit: fc.constantFrom('a', 'b', 'z', '0', '9'),
        minLength: n,
        maxLength: n,
      })
      .map(s => `x${s.slice(1)}`),
  );

/** Never a DNS-1123 label: namespace names, Service names, subsets. */
export const hostileDnsLabel: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  longLowerString(64, 400),
  fc
    .tuple(validDnsLabel, fc.constantFrom('A', 'Z', 'Q'), validDnsLabel)
    .map(([a, u, b]) => `${a}${u}${b}`),
  validDnsLabel.map(l => `-${l}`),
  validDnsLabel.map(l => `${l}-`),
  fc.tuple(validDnsLabel, validDnsLabel).map(([a, b]) => `${a}.${b}`),
  fc
    .tuple(validDnsLabel, badCharBut(/[a-z0-9-]/), validDnsLabel)
    .map(([a, c, b]) => `${a}${c}${b}`),
  fc.constantFrom('.', '..', '-', '*', '---', 'Shop', 'café', 'пример'),
);

/** Never a DNS-1123 subdomain: object names. */
export const hostileObjectName: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  // 254+ characters of valid labels
  fc
    .integer({ min: 5, max: 40 })
    .map(n =>
      Array.from({ length: n }, (_, i) => `label${i}`.padEnd(60, 'x')).join(
        '.',
      ),
    ),
  longLowerString(64, 120).map(l => `ok.${l}`),
  fc
    .tuple(validDnsLabel, fc.constantFrom('A', 'Z'), validDnsLabel)
    .map(([a, u, b]) => `${a}${u}${b}`),
  validObjectName.map(n => `-${n}`),
  validObjectName.map(n => `${n}-`),
  validObjectName.map(n => `.${n}`),
  validObjectName.map(n => `${n}.`),
  fc.tuple(validDnsLabel, validDnsLabel).map(([a, b]) => `${a}..${b}`),
  fc.tuple(validDnsLabel, validDnsLabel).map(([a, b]) => `${a}.-${b}`),
  fc
    .tuple(validDnsLabel, badCharBut(/[a-z0-9.-]/), validDnsLabel)
    .map(([a, c, b]) => `${a}${c}${b}`),
  fc.constantFrom('.', '*', '---', 'Public', 'bücher.example'),
);

/**
 * Never a public host name: empty, 254+ characters, a label over 63,
 * several wildcards, a wildcard in the middle or inside a label, a single
 * label, IP literals (v4 and v6), a trailing or doubled dot, unicode (IDN
 * not in punycode), a port, a scheme or a path, YAML and other characters.
 */
export const hostileHost: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .integer({ min: 5, max: 60 })
    .map(
      n =>
        `${Array.from({ length: n }, (_, i) => `h${i}`.padEnd(50, 'x')).join(
          '.',
        )}.example`,
    ),
  longLowerString(64, 200).map(l => `${l}.example.com`),
  validHostname
    .map(h => `*.${h.replace(/^\*\./, '*.')}`)
    .filter(h => h.startsWith('*.*.')),
  fc
    .tuple(validDnsLabel, validHostname)
    .map(([a, h]) => `*.*.${a}.${h.replace(/^\*\./, '')}`),
  fc
    .tuple(validDnsLabel, validHostname)
    .map(([a, h]) => `${a}.*.${h.replace(/^\*\./, '')}`),
  validHostname.map(h => `*${h.replace(/^\*\./, '')}`),
  validHostname.map(h => `${h.replace(/^\*\./, '')}*`),
  fc.constantFrom('*', '*.', '*.com', '**.example.com', '*.*', 'localhost'),
  validDnsLabel,
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map(ip => `[${ip}]`),
  fc.constantFrom(
    '127.0.0.1',
    '10.0.0.1',
    '::1',
    '[::1]',
    '0x7f.1',
    '192.168.001.001',
  ),
  validHostname.map(h => `${h}.`),
  validHostname.map(h => `.${h}`),
  validHostname.map(h => h.replace('.', '..')),
  fc.constantFrom(
    'bücher.example',
    'пример.рф',
    '例子.测试',
    'ex\u200bample.com',
    'shop.exаmple.com', // Cyrillic a
    'ＳＨＯＰ.example.com',
  ),
  validHostname.map(h => `${h}:443`),
  validHostname.map(h => `https://${h}`),
  validHostname.map(h => `${h}/path`),
  validHostname.map(h => `${h.replace(/^\*\./, '')}`.replace('.', '_.')),
  fc
    .tuple(validDnsLabel, badCharBut(/[a-zA-Z0-9.*-]/), validHostname)
    .map(([a, c, h]) => `${a}${c}${h.replace(/^\*\./, '')}`),
);

/** Never a Gateway API hostname: every hostile host, and upper case. */
export const hostileGatewayApiHost: fc.Arbitrary<string> = fc.oneof(
  hostileHost,
  mixedCaseHost,
);

/** Never a TCP port. */
export const hostilePort: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -100000, max: -1 }),
  fc.integer({ min: 65536, max: 10_000_000 }),
  fc
    .double({ min: 1.01, max: 65534.99, noNaN: true })
    .filter(n => !Number.isInteger(n)),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER),
  fc.constantFrom('80', '443', 'http', '', ' 80'),
  fc.constantFrom(null, true, [], [443], {}),
);

/**
 * Never a VirtualService weight (0 to 100, whole): negative, over 100,
 * fractional, NaN, strings. Weights that are valid each but do not add up
 * to 100 are {@link weightsNotSummingTo100}.
 */
export const hostileWeight: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1000, max: -1 }),
  fc.integer({ min: 101, max: 1_000_000 }),
  fc
    .double({ min: 0.01, max: 99.99, noNaN: true })
    .filter(n => !Number.isInteger(n)),
  fc.constantFrom(Number.NaN, Infinity, -Infinity),
  fc.constantFrom('50', 'half', '', null, true, []),
);

/** Two to five whole weights of 0 to 100 that do not add up to 100. */
export const weightsNotSummingTo100 = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 5 })
  .filter(ws => ws.reduce((a, b) => a + b, 0) !== 100);

/**
 * Never an HTTP path: empty, not absolute, over the length limit, with
 * whitespace, control characters or a YAML document marker.
 */
export const hostileHttpPath: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    'api',
    'api/v1',
    '*',
    '?q=1',
    '#frag',
    '~/x',
    'https://x.example/',
  ),
  validHttpPath.map(p => p.slice(1) || 'x'),
  fc
    .integer({ min: INPUT_LIMITS.httpPathLength, max: 5000 })
    .map(n => `/${'a'.repeat(n)}`),
  fc
    .tuple(
      validHttpPath,
      fc.constantFrom(
        ' ',
        '\n',
        '\r\n',
        '\t',
        '\u0000',
        '\u007f',
        '\n---\n',
        ' #x',
        '\u2028',
      ),
      validHttpPath,
    )
    .map(([a, c, b]) => `${a}${c}${b}`),
  notAString,
);

/** Never a label key (or annotation key). */
export const hostileLabelKey: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '/',
    'a/',
    '/a',
    'a/b/c',
    'Example.COM/x',
    '-a',
    'a-',
    '.a',
    'a b',
    'a:b',
  ),
  longLowerString(64, 200),
  fc
    .tuple(validObjectName, longLowerString(64, 100))
    .map(([p, n]) => `${p}/${n}`),
  fc
    .tuple(
      hostileObjectName.filter(p => p !== '' && !p.includes('/')),
      validDnsLabel,
    )
    .map(([p, n]) => `${p}/${n}`),
  fc
    .tuple(validDnsLabel, badCharBut(/[A-Za-z0-9._/-]/), validDnsLabel)
    .map(([a, c, b]) => `${a}${c}${b}`),
);

/** Never a label value. */
export const hostileLabelValue: fc.Arbitrary<string> = fc.oneof(
  longLowerString(64, 300),
  fc.constantFrom(
    '-a',
    'a-',
    '.a',
    'a.',
    '_a',
    'a b',
    'a/b',
    'a:b',
    'café',
    '---',
  ),
  fc
    .tuple(validDnsLabel, badCharBut(/[A-Za-z0-9._-]/), validDnsLabel)
    .map(([a, c, b]) => `${a}${c}${b}`),
);

/** A string with YAML-significant characters around a valid name. */
export const yamlSignificantName = fc
  .tuple(
    validDnsLabel,
    fc.constantFrom(...YAML_SIGNIFICANT).filter(y => /[^a-z0-9-]/.test(y)),
    validDnsLabel,
  )
  .map(([a, y, b]) => `${a}${y}${b}`);

/**
 * A list of `min` to `max` entries from `entry(i)`, built without
 * fast-check's per-element generation (thousands of entries stay cheap).
 */
export function oversizedList<T>(
  min: number,
  max: number,
  entry: (i: number) => T,
): fc.Arbitrary<T[]> {
  return fc
    .integer({ min, max })
    .map(n => Array.from({ length: n }, (_, i) => entry(i)));
}

/** A map of `min` to `max` entries, built like {@link oversizedList}. */
export function oversizedMap(
  min: number,
  max: number,
): fc.Arbitrary<Record<string, string>> {
  return oversizedList(min, max, i => [`key-${i}`, `value-${i}`] as const).map(
    entries => Object.fromEntries(entries),
  );
}

/**
 * A hostile cluster name for the HTTP API and the actions: empty, over 253
 * characters, or with control characters or a line break.
 */
export const hostileClusterName: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  longLowerString(254, 2000),
  fc
    .tuple(
      validDnsLabel,
      fc.constantFrom('\n', '\r', '\u0000', '\t', '\u001b[31m', '\u007f'),
      validDnsLabel,
    )
    .map(([a, c, b]) => `${a}${c}${b}`),
);

/** A Kubernetes-style duration that Istio would not take. */
export const hostileDuration: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    '5',
    's',
    '5 s',
    '-5s',
    '5sec',
    '1d',
    '1.5.5s',
    'PT5S',
    '5s\n---',
  ),
  fc.integer({ min: 0, max: 100 }),
  longLowerString(33, 100).map(s => `${s}s`),
);
