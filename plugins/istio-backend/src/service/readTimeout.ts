import { Config } from '@backstage/config';

/** `istio.requestTimeout` in milliseconds: `500ms`, `5s`, or a number of ms. Default 5 s. */
export function readRequestTimeoutMs(config: Config): number {
  const value = config.getOptional<string | number>('istio.requestTimeout');
  if (value === undefined) {
    return 5000;
  }
  if (typeof value === 'number') {
    return value;
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(value.trim());
  if (!match) {
    throw new Error(
      `istio.requestTimeout must be a duration like "500ms" or "5s", got "${value}"`,
    );
  }
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}
