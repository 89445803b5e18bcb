import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * A duration setting in milliseconds: `500ms`, `5s`, `2m`, a number of
 * milliseconds, or Backstage's duration object (`{ minutes: 2 }`);
 * `fallback` when unset.
 */
export function readDurationMs(
  config: Config,
  key: string,
  fallback: number,
): number {
  const value = config.getOptional<unknown>(key);
  if (value === undefined) {
    return fallback;
  }
  if (typeof value === 'object' && value !== null) {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  }
  if (typeof value === 'number') {
    return value;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(String(value).trim());
  if (!match) {
    throw new Error(
      `${key} must be a duration like "500ms", "5s" or "2m", got "${value}"`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
  return Number(match[1]) * unit;
}
