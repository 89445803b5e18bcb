/*
 * Two replicas of this backend, run the way production runs them: NODE_ENV
 * production, `app-config.yaml` + `app-config.production.yaml` (PostgreSQL
 * and Redis from scripts/production/services.sh, secrets in environment
 * variables), plus a generated layer with only what a test must add: the test
 * cluster, a catalog file, a static API token and a database prefix of its
 * own. Each replica reaches the real test cluster through its own proxy
 * (the shared fault proxy, with no faults set: it counts what passes), so
 * the test knows exactly which replica talked to Kubernetes.
 */
import {
  buildGateway,
  buildVirtualService,
  DEFAULT_ISTIO_API_VERSIONS,
} from '@meshdeck/plugin-istio-common';
import {
  createObjects,
  createTestCertificate,
  describeWithCluster,
  externalSecretManifest,
  FaultProxy,
  serviceWithPod,
  setExternalSecretStatus,
  startFaultProxy,
  tlsSecretManifest,
} from '@meshdeck/plugin-istio-node/testUtils';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BACKEND_DIR = path.resolve(__dirname, '..');
const SERVICES = path.join(ROOT, 'scripts/production/services.sh');
const SERVICE_VARS = [
  'POSTGRES_HOST',
  'POSTGRES_PORT',
  'POSTGRES_USER',
  'POSTGRES_PASSWORD',
  'REDIS_URL',
] as const;
type ServiceEnv = Record<(typeof SERVICE_VARS)[number], string>;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Timings of this run, printed at the end for the notes. */
const timings: Array<[string, number]> = [];
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([name, Date.now() - start]);
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd: ROOT }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${file} ${args.join(' ')} failed: ${stderr}`))
        : resolve(stdout),
    ),
  );
}

/**
 * PostgreSQL and Redis: the environment of scripts/production/services.sh
 * when it is set (CI starts them), else started here with that script.
 */
async function productionServices(): Promise<{
  env: ServiceEnv;
  startedHere: boolean;
}> {
  if (SERVICE_VARS.every(v => process.env[v])) {
    return {
      env: Object.fromEntries(
        SERVICE_VARS.map(v => [v, process.env[v]!]),
      ) as ServiceEnv,
      startedHere: false,
    };
  }
  const wasRunning = await run(SERVICES, ['status']).then(
    () => true,
    () => false,
  );
  let out: string;
  try {
    out = await run(SERVICES, ['up']);
  } catch (e) {
    throw new Error(
      `The two-replica test needs PostgreSQL and Redis: set ${SERVICE_VARS.join(
        ', ',
      )} (eval "$(scripts/production/services.sh up)"), or let the test start them. ${e}`,
    );
  }
  const env: Record<string, string> = {};
  for (const [, name, value] of out.matchAll(/^export (\w+)=(.*)$/gm)) {
    env[name] = value;
  }
  return { env: env as ServiceEnv, startedHere: !wasRunning };
}

/** A loopback port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

type Replica = {
  name: string;
  url: string;
  proxy: FaultProxy;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
};

function logTail(replica: Replica, lines = 40): string {
  try {
    return fs
      .readFileSync(replica.logFile, 'utf8')
      .trim()
      .split('\n')
      .filter(line => !line.includes('/.backstage/health/'))
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts `node src/index.ts` of this package like `backstage-cli package start` does, without watching. */
function startReplica(options: {
  name: string;
  port: number;
  proxy: FaultProxy;
  configFile: string;
  env: Record<string, string>;
  logDir: string;
}): Replica {
  const url = `http://127.0.0.1:${options.port}`;
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = fs.openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    NODE_ENV: 'production',
    APP_BASE_URL: url,
    BACKEND_BASE_URL: url,
    BACKEND_PORT: String(options.port),
    BACKEND_LISTEN_HOST: '127.0.0.1',
  };
  // jest's own flags are not the backend's
  delete env.NODE_OPTIONS;
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      path.join(ROOT, 'app-config.production.yaml'),
      '--config',
      options.configFile,
    ],
    { cwd: BACKEND_DIR, env, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  // never outlive the test run, even when it is cut short
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return {
    name: options.name,
    url,
    proxy: options.proxy,
    process: child,
    logFile,
    exited,
  };
}

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  replica?: Replica,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    if (replica && replica.process.exitCode !== null) {
      throw new Error(
        `replica ${replica.name} exited (${
          replica.process.exitCode
        }) while waiting for ${what}:\n${logTail(replica)}`,
      );
    }
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? ` (last error: ${last})` : ''
        }${replica ? `\n${logTail(replica)}` : ''}`,
      );
    }
    await sleep(500);
  }
}

async function stopReplica(replica: Replica, signal: NodeJS.Signals) {
  if (
    replica.process.exitCode === null &&
    replica.process.signalCode === null
  ) {
    replica.process.kill(signal);
    const stopped = await Promise.race([
      replica.exited.then(() => true),
      sleep(15_000).then(() => false),
    ]);
    if (!stopped) {
      replica.process.kill('SIGKILL');
      await replica.exited;
    }
  }
}

describeWithCluster('Two backend replicas on PostgreSQL and Redis', cluster => {
  const id = randomBytes(3).toString('hex');
  const token = randomBytes(24).toString('hex');
  const clusterName = `replicas-${id}`;
  const component = `mesh-${id}`;
  const entityRef = `component:default/${component}`;
  const templateName = `mesh-namespace-${id}`;
  const teamNamespace = `team-mdt-${id}`;
  const databasePrefix = `mdt_${id}_`;
  let services: { env: ServiceEnv; startedHere: boolean } | undefined;
  let tmp: string;
  let ingress: string;
  const replicas: Replica[] = [];
  const proxies: FaultProxy[] = [];
  let a: Replica;
  let b: Replica;

  async function api(
    replica: Replica,
    route: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${replica.url}${route}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the assertion message
    }
    return { status: response.status, body };
  }

  async function status(replica: Replica) {
    const before = replica.proxy.requests.length;
    const response = await api(
      replica,
      `/api/istio/v1/status?entityRef=${encodeURIComponent(entityRef)}`,
    );
    expect(response).toMatchObject({ status: 200 });
    return {
      body: response.body,
      kubernetesRequests: replica.proxy.requests.slice(before),
    };
  }

  const certificateOf = (body: any) => body.clusters[0].certificates[0];
  // (without the ACM emulator, ACM's errors are expected; the cluster's not)
  const kubernetesErrors = (body: any) =>
    body.clusters[0].errors.filter((e: any) => e.source === 'kubernetes');

  async function writeCertificate(validForDays: number) {
    const certificate = await createTestCertificate({
      sans: [`*.${id}.example`],
      validForDays,
    });
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await cluster()
      .kubeConfig.makeApiClient(CoreV1Api)
      .replaceNamespacedSecret({
        name: 'gateway-cert',
        namespace: ingress,
        body: tlsSecretManifest(ingress, 'gateway-cert', certificate),
      });
    return new X509Certificate(certificate.certPem).serialNumber;
  }

  beforeAll(async () => {
    const { kubeConfig, namespace } = cluster();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshdeck-replicas-'));
    services = await timed('PostgreSQL and Redis up', productionServices);

    // the mesh: the component's pod and Service, an HTTPS Gateway whose
    // certificate an ExternalSecret writes, a VirtualService to the Service
    ingress = await cluster().extraNamespace('ingress', true);
    await timed('seed the mesh', async () => {
      const certificate = await createTestCertificate({
        sans: [`*.${id}.example`],
        validForDays: 40,
      });
      await createObjects(
        kubeConfig,
        ...serviceWithPod(namespace, component, 8080),
        tlsSecretManifest(ingress, 'gateway-cert', certificate),
        externalSecretManifest(ingress, 'gateway-cert-sync', 'gateway-cert', {
          refreshInterval: '1h',
        }),
        buildGateway(
          {
            name: 'public',
            namespace: ingress,
            selector: { istio: 'ingressgateway' },
            hosts: [`*.${id}.example`],
            tls: { mode: 'credential', credentialName: 'gateway-cert' },
            httpsRedirect: false,
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
        buildVirtualService(
          {
            name: component,
            namespace,
            hosts: [`shop.${id}.example`],
            gateways: [`${ingress}/public`],
            routes: [{ destinations: [{ host: component }] }],
          },
          DEFAULT_ISTIO_API_VERSIONS,
        ),
      );
      await setExternalSecretStatus(kubeConfig, ingress, 'gateway-cert-sync', {
        status: 'True',
        reason: 'SecretSynced',
      });
    });

    // the catalog: the component and a template using a Meshdeck action
    const catalogFile = path.join(tmp, 'catalog.yaml');
    const entities = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: component,
          annotations: {
            'backstage.io/kubernetes-id': component,
            'backstage.io/kubernetes-namespace': namespace,
          },
        },
        spec: { type: 'service', lifecycle: 'production', owner: 'guests' },
      },
      {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: templateName, title: 'Mesh namespace (test)' },
        spec: {
          type: 'service',
          parameters: [
            {
              title: 'Namespace',
              required: ['namespace'],
              properties: { namespace: { type: 'string' } },
            },
          ],
          steps: [
            {
              id: 'namespace',
              name: 'Mesh namespace',
              action: 'istio:namespace:create',
              input: {
                cluster: clusterName,
                name: '${{ parameters.namespace }}',
                injection: 'sidecar',
                mtls: 'STRICT',
                kubernetesId: component,
              },
            },
          ],
        },
      },
    ];
    // JSON documents are YAML documents
    fs.writeFileSync(
      catalogFile,
      entities.map(e => JSON.stringify(e)).join('\n---\n'),
    );

    // ACM: the test's emulator when there is one; else an endpoint that
    // refuses at once, so nothing ever leaves the machine
    const acmEndpoint =
      process.env.MESHDECK_TEST_AWS_ENDPOINT ??
      `http://127.0.0.1:${await freePort()}`;

    const ports = [await freePort(), await freePort()];
    const started = Date.now();
    for (const [i, name] of ['A', 'B'].entries()) {
      const proxy = await startFaultProxy({ kubeConfig });
      proxies.push(proxy);
      // what a test adds to the production config; everything else is
      // app-config.production.yaml with the services' environment
      const layer = {
        backend: {
          database: { prefix: databasePrefix },
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token, subject: 'meshdeck-replicas-test' },
              },
            ],
          },
        },
        catalog: { locations: [{ type: 'file', target: catalogFile }] },
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [proxy.clusterConfig(clusterName)],
            },
          ],
        },
        istio: {
          // what replicas share is the cache behind reads on request; the
          // watch-fed cache is each replica's own (src/watch/ in the
          // backend plugin tests it), so it is off here
          watch: { enabled: false },
          // long enough that only a refresh, never expiry, renews an answer
          statusCacheTtl: '10m',
          // a cold status on a busy 2-core CI machine can take longer than
          // production's 5 s; this test is about sharing, not latency
          requestTimeout: '30s',
          acm: { endpoint: acmEndpoint },
          clusters: [],
        },
      };
      const configFile = path.join(tmp, `app-config.replica-${name}.yaml`);
      fs.writeFileSync(configFile, JSON.stringify(layer, null, 2), {
        mode: 0o600,
      });
      const replica = startReplica({
        name,
        port: ports[i],
        proxy,
        configFile,
        logDir: tmp,
        env: {
          ...services.env,
          AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
          AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      });
      replicas.push(replica);
      // One after the other, as a rolling deployment starts them: replicas
      // starting together on an empty database race for its migrations,
      // and the loser stays unready (Backstage's knex migration lock).
      await timed(
        `replica ${name} ready${
          i === 0 ? ' (empty database: migrations)' : ''
        }`,
        () =>
          waitUntil(
            `replica ${name} to be ready`,
            180_000,
            async () =>
              (
                await fetch(`${replica.url}/.backstage/health/v1/readiness`)
              ).ok || undefined,
            replica,
          ),
      );
    }
    [a, b] = replicas;
    timings.push(['both replicas ready', Date.now() - started]);
    await timed('catalog has the component and template on both', () =>
      Promise.all(
        replicas.flatMap(replica =>
          [
            `/api/catalog/entities/by-name/component/default/${component}`,
            `/api/catalog/entities/by-name/template/default/${templateName}`,
          ].map(route =>
            waitUntil(
              `${route} on replica ${replica.name}`,
              60_000,
              async () =>
                (await api(replica, route)).status === 200 || undefined,
              replica,
            ),
          ),
        ),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.all(replicas.map(r => stopReplica(r, 'SIGTERM')));
    await Promise.all(proxies.map(p => p.close()));
    const { CoreV1Api } = await import('@kubernetes/client-node');
    await cluster()
      .kubeConfig.makeApiClient(CoreV1Api)
      .deleteNamespace({ name: teamNamespace })
      .catch(() => undefined);
    if (services) {
      await dropDatabases(services.env, databasePrefix);
      if (services.startedHere) {
        await run(SERVICES, ['down']);
      }
    }
    if (tmp) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // eslint-disable-next-line no-console
    console.log(
      `two-replica test timings:\n${timings
        .map(([name, ms]) => `  ${name}: ${(ms / 1000).toFixed(1)} s`)
        .join('\n')}`,
    );
  }, 60_000);

  it('serves a status computed on replica A from the shared cache on replica B, without Kubernetes requests', async () => {
    const fromA = await timed('status, cold, on A', () => status(a));
    expect(fromA.body.cache).toBeUndefined();
    expect(fromA.kubernetesRequests.length).toBeGreaterThan(0);
    expect(fromA.body.clusters).toEqual([
      expect.objectContaining({ name: clusterName }),
    ]);
    expect(kubernetesErrors(fromA.body)).toEqual([]);
    expect(fromA.body.clusters[0].workloads).toEqual([
      expect.objectContaining({
        name: `${component}-1`,
        pods: [expect.objectContaining({ name: `${component}-1` })],
      }),
    ]);
    expect(certificateOf(fromA.body)).toMatchObject({
      secret: { namespace: ingress, name: 'gateway-cert' },
      externalSecret: { name: 'gateway-cert-sync', ready: true },
    });

    const fromB = await timed('status, cached, on B', () => status(b));
    expect(fromB.kubernetesRequests).toEqual([]);
    expect(fromB.body.cache).toEqual({
      hit: true,
      ageSeconds: expect.any(Number),
    });
    const { cache: _cache, ...sameAnswer } = fromB.body;
    expect(sameAnswer).toEqual(fromA.body);
  });

  it('shows a certificate refreshed through replica A on replica B at the next request', async () => {
    const { kubeConfig } = cluster();
    const before = (await status(b)).body;
    const oldSerial = certificateOf(before).certificate.serial;

    // what external-secrets does after a sync: a new certificate in the
    // secret. Within the TTL the replicas still answer from the cache...
    const newSerial = await writeCertificate(80);
    const stale = await status(b);
    expect(stale.body.cache?.hit).toBe(true);
    expect(stale.kubernetesRequests).toEqual([]);
    expect(certificateOf(stale.body).certificate.serial).toBe(oldSerial);

    // ...until someone refreshes the certificate, here through A
    const refresh = await timed('certificate refresh on A', () =>
      api(a, '/api/istio/v1/certificates/refresh', {
        method: 'POST',
        body: {
          entityRef,
          cluster: clusterName,
          namespace: ingress,
          externalSecret: 'gateway-cert-sync',
        },
      }),
    );
    expect(refresh).toMatchObject({
      status: 200,
      body: { entityRef, forceSync: expect.stringMatching(/^\d+$/) },
    });
    const { CustomObjectsApi } = await import('@kubernetes/client-node');
    const externalSecret: any = await kubeConfig
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'external-secrets.io',
        version: 'v1',
        namespace: ingress,
        plural: 'externalsecrets',
        name: 'gateway-cert-sync',
      });
    expect(externalSecret.metadata.annotations['force-sync']).toBe(
      refresh.body.forceSync,
    );

    const fresh = await timed('status after the refresh on B', () => status(b));
    expect(fresh.body.cache).toBeUndefined();
    expect(fresh.kubernetesRequests.length).toBeGreaterThan(0);
    expect(fresh.body.generatedAt > before.generatedAt).toBe(true);
    const renewed = certificateOf(fresh.body).certificate;
    expect(renewed.serial).not.toBe(oldSerial);
    expect(renewed.serial.replace(/^0+/, '').toUpperCase()).toBe(
      newSerial.replace(/^0+/, '').toUpperCase(),
    );
    expect(renewed.daysLeft).toBeGreaterThan(70);

    // and A answers B's fresh status from the cache
    const onA = await status(a);
    expect(onA.body.cache?.hit).toBe(true);
    expect(onA.kubernetesRequests).toEqual([]);
    expect(certificateOf(onA.body).certificate.serial).toBe(renewed.serial);
  });

  it('completes a scaffolder task started through one replica, watched through the other', async () => {
    const writesBefore = proxies.map(p => p.requests.length);
    const created = await api(a, '/api/scaffolder/v2/tasks', {
      method: 'POST',
      body: {
        templateRef: `template:default/${templateName}`,
        values: { namespace: teamNamespace },
      },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: expect.any(String) },
    });
    const task = await timed('scaffolder task, created on A, done on B', () =>
      waitUntil('the task to finish', 90_000, async () => {
        const { body } = await api(
          b,
          `/api/scaffolder/v2/tasks/${created.body.id}`,
        );
        return ['completed', 'failed', 'cancelled'].includes(body.status)
          ? body
          : undefined;
      }),
    );
    if (task.status !== 'completed') {
      const { body: events } = await api(
        b,
        `/api/scaffolder/v2/tasks/${created.body.id}/events`,
      );
      throw new Error(
        `task ${task.status}: ${JSON.stringify(events).slice(-2000)}`,
      );
    }

    const { kubeConfig } = cluster();
    const { CoreV1Api, CustomObjectsApi } = await import(
      '@kubernetes/client-node'
    );
    const namespaceObject = await kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespace({ name: teamNamespace });
    expect(namespaceObject.metadata?.labels).toMatchObject({
      'istio-injection': 'enabled',
      'app.kubernetes.io/managed-by': 'meshdeck',
      'backstage.io/kubernetes-id': component,
    });
    const peerAuthentication: any = await kubeConfig
      .makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject({
        group: 'security.istio.io',
        version: 'v1',
        namespace: teamNamespace,
        plural: 'peerauthentications',
        name: 'default',
      });
    expect(peerAuthentication.spec).toEqual({ mtls: { mode: 'STRICT' } });

    // written through the configured cluster, by whichever replica's task
    // worker claimed the task from the shared database
    const writes = proxies.flatMap((p, i) =>
      p.requests
        .slice(writesBefore[i])
        .filter(r => r.method === 'PATCH' && r.url.includes(teamNamespace)),
    );
    expect(writes.length).toBeGreaterThan(0);
    const ranOn = proxies
      .map((p, i) =>
        p.requests.slice(writesBefore[i]).some(r => r.method === 'PATCH')
          ? replicas[i].name
          : undefined,
      )
      .filter(Boolean);
    // eslint-disable-next-line no-console
    console.log(`scaffolder task ran on replica ${ranOn.join(' and ')}`);
  });

  it('keeps answering on replica B when replica A goes down', async () => {
    const before = (await status(b)).body;
    await timed('replica A killed', async () => {
      a.process.kill('SIGKILL');
      await a.exited;
    });
    await expect(
      fetch(`${a.url}/.backstage/health/v1/readiness`),
    ).rejects.toThrow();

    const cached = await status(b);
    expect(cached.body.cache?.hit).toBe(true);
    expect(cached.kubernetesRequests).toEqual([]);
    const { cache: _cache, ...sameAnswer } = cached.body;
    const { cache: _before, ...answerBefore } = before;
    expect(sameAnswer).toEqual(answerBefore);

    // a fresh answer from the cluster, with A gone: the cluster changes,
    // B is asked to refresh, B reads again
    const serial = await writeCertificate(20);
    const refresh = await api(b, '/api/istio/v1/certificates/refresh', {
      method: 'POST',
      body: {
        entityRef,
        cluster: clusterName,
        namespace: ingress,
        externalSecret: 'gateway-cert-sync',
      },
    });
    expect(refresh.status).toBe(200);
    const fresh = await timed('fresh status on B with A down', () => status(b));
    expect(fresh.body.cache).toBeUndefined();
    expect(fresh.kubernetesRequests.length).toBeGreaterThan(0);
    expect(kubernetesErrors(fresh.body)).toEqual([]);
    expect(
      certificateOf(fresh.body)
        .certificate.serial.replace(/^0+/, '')
        .toUpperCase(),
    ).toBe(serial.replace(/^0+/, '').toUpperCase());
    expect((await api(b, '/.backstage/health/v1/readiness')).status).toBe(200);
  });
});

/** Drops the databases this run's replicas created (one per plugin). */
async function dropDatabases(env: ServiceEnv, prefix: string) {
  // pg ships no type declarations; these are the calls used here
  type PgClient = {
    connect(): Promise<void>;
    query(sql: string, values?: unknown[]): Promise<{ rows: any[] }>;
    end(): Promise<void>;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as {
    Client: new (options: object) => PgClient;
  };
  const client = new Client({
    host: env.POSTGRES_HOST,
    port: Number(env.POSTGRES_PORT),
    user: env.POSTGRES_USER,
    password: env.POSTGRES_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
