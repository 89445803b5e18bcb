// Preloaded (node --require) into `@backstage/create-app`: its only own
// network call is a fetch of a yarn.lock seed from a git host. The adoption
// tier talks to the package registry (through npm and Yarn) and to loopback
// only, so fetch() to anything else fails here and create-app goes on
// without the seed, as it does offline.
'use strict';

const realFetch = globalThis.fetch;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

globalThis.fetch = async function loopbackOnlyFetch(input, init) {
  const url = new URL(
    typeof input === 'string' || input instanceof URL ? input : input.url,
  );
  if (!LOOPBACK.has(url.hostname)) {
    throw new TypeError(
      `fetch to ${url.host} refused by the adoption tier (loopback only)`,
    );
  }
  return realFetch(input, init);
};
