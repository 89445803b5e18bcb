import { ConfigReader } from '@backstage/config';
import { readDurationMs } from './readDuration';

describe('readDurationMs', () => {
  const read = (value?: unknown) =>
    readDurationMs(
      new ConfigReader(value === undefined ? {} : { istio: { t: value } }),
      'istio.t',
      5000,
    );

  it.each([
    [undefined, 5000],
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120000],
    [250, 250],
    [{ minutes: 1, seconds: 30 }, 90000],
  ])('%s is %d ms', (value, ms) => {
    expect(read(value)).toBe(ms);
  });

  it('names the key of a bad value', () => {
    expect(() => read('5 seconds')).toThrow(
      'istio.t must be a duration like "500ms", "5s" or "2m", got "5 seconds"',
    );
  });
});
