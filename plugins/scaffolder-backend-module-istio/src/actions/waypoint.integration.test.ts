import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { buildK8sGateway, buildWaypoint } from '@meshdeck/plugin-istio-common';
import {
  istioResources,
  MeshClusterClient,
  WritePolicy,
} from '@meshdeck/plugin-istio-node';
import {
  createObjects,
  describeWithCluster,
} from '@meshdeck/plugin-istio-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { createNamespaceAction } from './namespaceCreate';

/**
 * `istio:namespace:create` with a waypoint against the testbed (Gateway API
 * v1.5.1 standard CRDs, no istiod: the waypoint is never programmed, which
 * the action does not wait for).
 */
describeWithCluster('istio:namespace:create with a waypoint', cluster => {
  let client: MeshClusterClient;
  let action: ReturnType<typeof createNamespaceAction>;

  async function run(
    input: Record<string, unknown>,
    options: {
      isDryRun?: boolean;
      /** Default: the action on the testbed as it is. */
      with?: ReturnType<typeof createNamespaceAction>;
    } = {},
  ) {
    const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'meshdeck-'));
    const ctx = createMockActionContext({
      input: {
        cluster: cluster().clusterName,
        injection: 'ambient',
        ...input,
      } as any,
      workspacePath,
    });
    // the mock context does not take isDryRun; the scaffolder sets it like this
    Object.assign(ctx, { isDryRun: options.isDryRun });
    const info = jest.spyOn(ctx.logger, 'info');
    const warn = jest.spyOn(ctx.logger, 'warn');
    await (options.with ?? action).handler(ctx);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return { outputs, workspacePath, info, warn };
  }

  const gateway = (namespace: string, name: string) =>
    client.get(istioResources.k8sGateway, namespace, name);

  const namespaceLabels = async (name: string) =>
    (await client.getNamespace(name))?.metadata?.labels;

  /** Labels a namespace the way `kubectl label` does. */
  async function label(namespace: string, labels: Record<string, string>) {
    const { CoreV1Api } = await import('@kubernetes/client-node');
    const core = cluster().kubeConfig.makeApiClient(CoreV1Api);
    const ns = await core.readNamespace({ name: namespace });
    await core.replaceNamespace({
      name: namespace,
      body: {
        ...ns,
        metadata: {
          ...ns.metadata,
          labels: { ...ns.metadata?.labels, ...labels },
        },
      },
    });
  }

  beforeAll(async () => {
    const { registry, config, clusterName } = cluster();
    client = await MeshClusterClient.create(
      await registry.kubeConfig(clusterName),
    );
    action = createNamespaceAction({
      clusters: registry,
      policy: WritePolicy.fromConfig(
        new ConfigReader({
          ...config.get<object>(),
          istio: {
            scaffolder: { allowedNamespaces: [`${cluster().namespace}*`] },
          },
        }),
      ),
    });
  });

  it('creates the namespace enrolled to a waypoint Gateway, then changes nothing on a second run', async () => {
    const name = await cluster().extraNamespace('l7');
    const input = { name, waypoint: 'waypoint', kubernetesId: 'checkout' };

    const first = await run(input);
    expect(first.outputs.results).toEqual([
      { ref: `Namespace/${name}`, outcome: 'created', dryRun: false },
      { ref: `${name}/Gateway/waypoint`, outcome: 'created', dryRun: false },
    ]);
    expect(first.outputs.objects).toEqual([
      `Namespace/${name}`,
      `${name}/Gateway/waypoint`,
    ]);
    expect(await namespaceLabels(name)).toMatchObject({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
      'app.kubernetes.io/managed-by': 'meshdeck',
      'backstage.io/kubernetes-id': 'checkout',
    });
    const waypoint = await gateway(name, 'waypoint');
    expect(waypoint?.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'meshdeck',
      'backstage.io/kubernetes-id': 'checkout',
      'istio.io/waypoint-for': 'service',
    });
    expect((waypoint as any)?.spec).toMatchObject({
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    });
    expect(first.outputs.manifests).toContain(
      'gatewayClassName: istio-waypoint',
    );
    expect(first.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `istiod deploys waypoint waypoint (Deployment and Service) in ${name}`,
      ),
    );

    // an existing namespace gets its waypoint before the label naming it
    const second = await run(input);
    expect(second.outputs.results).toEqual([
      { ref: `${name}/Gateway/waypoint`, outcome: 'unchanged', dryRun: false },
      { ref: `Namespace/${name}`, outcome: 'unchanged', dryRun: false },
    ]);
  });

  it('enrols an existing ambient namespace with mTLS, applying the waypoint first', async () => {
    const name = await cluster().extraNamespace('enrol');
    await run({ name });
    expect(await namespaceLabels(name)).not.toHaveProperty(
      'istio.io/use-waypoint',
    );

    const { outputs } = await run({ name, waypoint: 'l7', mtls: 'STRICT' });
    expect(outputs.results).toEqual([
      { ref: `${name}/Gateway/l7`, outcome: 'created', dryRun: false },
      { ref: `Namespace/${name}`, outcome: 'configured', dryRun: false },
      {
        ref: `${name}/PeerAuthentication/default`,
        outcome: 'created',
        dryRun: false,
      },
    ]);
    expect(await namespaceLabels(name)).toMatchObject({
      'istio.io/use-waypoint': 'l7',
    });
  });

  it('writes nothing in a dry run, for a new namespace and for an existing one', async () => {
    const fresh = await cluster().extraNamespace('dry-new');
    const dryNew = await run(
      { name: fresh, waypoint: 'waypoint' },
      { isDryRun: true },
    );
    expect(dryNew.outputs.results).toEqual([
      { ref: `Namespace/${fresh}`, outcome: 'created', dryRun: true },
      { ref: `${fresh}/Gateway/waypoint`, outcome: 'created', dryRun: true },
    ]);
    expect(await client.getNamespace(fresh)).toBeUndefined();

    const existing = await cluster().extraNamespace('dry-old');
    await run({ name: existing });
    const dryOld = await run(
      { name: existing, waypoint: 'waypoint' },
      { isDryRun: true },
    );
    expect(dryOld.outputs.results).toEqual([
      { ref: `${existing}/Gateway/waypoint`, outcome: 'created', dryRun: true },
      { ref: `Namespace/${existing}`, outcome: 'configured', dryRun: true },
    ]);
    expect(await gateway(existing, 'waypoint')).toBeUndefined();
    expect(await namespaceLabels(existing)).not.toHaveProperty(
      'istio.io/use-waypoint',
    );
  });

  it('renders the namespace and the waypoint as files without touching the cluster', async () => {
    const name = await cluster().extraNamespace('rendered');
    const { outputs, workspacePath } = await run({
      name,
      waypoint: 'waypoint',
      kubernetesId: 'checkout',
      mode: 'render',
      renderPath: 'deploy/mesh',
    });
    expect(outputs.files).toEqual([
      `deploy/mesh/${name}/namespace-${name}.yaml`,
      `deploy/mesh/${name}/gateway-waypoint.yaml`,
    ]);
    expect(outputs.objects).toEqual([
      `Namespace/${name}`,
      `${name}/Gateway/waypoint`,
    ]);
    const read = (file: string) =>
      yaml.parse(fs.readFileSync(path.join(workspacePath, file), 'utf8'));
    expect(read(outputs.files[0]).metadata.labels).toMatchObject({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(read(outputs.files[1])).toEqual(
      buildWaypoint({
        name: 'waypoint',
        namespace: name,
        kubernetesId: 'checkout',
      }),
    );
    expect(await client.getNamespace(name)).toBeUndefined();
  });

  it('refuses a name taken by a Gateway that is not a waypoint, writing nothing', async () => {
    const name = await cluster().extraNamespace('taken');
    await run({ name });
    await createObjects(
      cluster().kubeConfig,
      buildK8sGateway({
        name: 'waypoint',
        namespace: name,
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
        kubernetesId: 'checkout',
      }) as any,
    );
    const attempt = run({
      name,
      waypoint: 'waypoint',
      kubernetesId: 'checkout',
    });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      `Gateway ${name}/waypoint already exists and is not a waypoint (gatewayClassName: istio, not istio-waypoint); a template does not turn it into one\n  fix: Choose another waypoint name (kubectl get gateways -n ${name} lists the names in use)`,
    );
    expect(await namespaceLabels(name)).not.toHaveProperty(
      'istio.io/use-waypoint',
    );
    expect(
      ((await gateway(name, 'waypoint')) as any)?.spec?.gatewayClassName,
    ).toBe('istio');
  });

  it('refuses a waypoint of that name that Meshdeck did not create, or created for another component', async () => {
    const name = await cluster().extraNamespace('theirs');
    await run({ name });
    // as `istioctl waypoint apply -n <ns> --name shared` writes it
    const theirs = buildWaypoint({ name: 'shared', namespace: name });
    await createObjects(cluster().kubeConfig, {
      ...theirs,
      metadata: { name: 'shared', namespace: name },
    } as any);
    await expect(run({ name, waypoint: 'shared' })).rejects.toThrow(
      `Gateway ${name}/shared (gateway.networking.k8s.io) already exists and belongs to someone else (not created by Meshdeck); a template does not overwrite it\n  fix: Choose another waypoint name; or, to use this waypoint as it is, leave out waypoint and enrol the namespace by hand: kubectl label namespace ${name} istio.io/use-waypoint=shared`,
    );

    await run({ name, waypoint: 'mine', kubernetesId: 'checkout' });
    await expect(
      run({ name, waypoint: 'mine', kubernetesId: 'payments' }),
    ).rejects.toThrow(
      `Gateway ${name}/mine (gateway.networking.k8s.io) already exists and belongs to component 'checkout'`,
    );
    expect((await gateway(name, 'mine'))?.metadata?.labels).toMatchObject({
      'backstage.io/kubernetes-id': 'checkout',
    });
  });

  it('refuses a namespace that already uses another waypoint, with the fix', async () => {
    const name = await cluster().extraNamespace('other-wp');
    await run({ name });
    await label(name, { 'istio.io/use-waypoint': 'legacy' });

    const attempt = run({ name, waypoint: 'waypoint' });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      `Namespace ${name} already uses waypoint ${name}/legacy (istio.io/use-waypoint=legacy); a template does not move it to waypoint ${name}/waypoint\n  fix: to move it: kubectl label namespace ${name} istio.io/use-waypoint=waypoint --overwrite; then re-run. To keep the current waypoint, leave out waypoint`,
    );
    expect(await gateway(name, 'waypoint')).toBeUndefined();
    expect(await namespaceLabels(name)).toMatchObject({
      'istio.io/use-waypoint': 'legacy',
    });

    // the fix, then the same run succeeds
    await label(name, { 'istio.io/use-waypoint': 'waypoint' });
    const { outputs } = await run({ name, waypoint: 'waypoint' });
    expect(outputs.objects).toEqual([
      `${name}/Gateway/waypoint`,
      `Namespace/${name}`,
    ]);
  });

  describe('on a cluster without the Gateway API', () => {
    /** The action, seeing a cluster that serves no Gateway API Gateways. */
    function withoutGatewayApi() {
      const { registry, config } = cluster();
      const clusters = Object.create(registry);
      clusters.client = async (name: string) => {
        const real = await registry.client(name);
        const limited = Object.create(real);
        limited.serves = async (type: { group: string }) =>
          type.group === istioResources.k8sGateway.group
            ? false
            : real.serves(type as any);
        return limited;
      };
      return createNamespaceAction({
        clusters,
        policy: WritePolicy.fromConfig(
          new ConfigReader({
            ...config.get<object>(),
            istio: {
              scaffolder: { allowedNamespaces: [`${cluster().namespace}*`] },
            },
          }),
        ),
      });
    }

    it('refuses to apply, and renders the v1 form with a warning', async () => {
      const name = await cluster().extraNamespace('no-gwapi');
      const limited = withoutGatewayApi();
      await expect(
        run({ name, waypoint: 'waypoint' }, { with: limited }),
      ).rejects.toThrow(
        'The cluster does not serve the Gateway API (gateway.networking.k8s.io Gateway v1 or v1beta1); a waypoint is a Gateway API Gateway\n  fix: Install the Gateway API CRDs: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml',
      );
      expect(await client.getNamespace(name)).toBeUndefined();

      const { outputs, workspacePath, warn } = await run(
        { name, waypoint: 'waypoint', mode: 'render', renderPath: 'gitops' },
        { with: limited },
      );
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'The cluster does not serve the Gateway API (gateway.networking.k8s.io): the waypoint is rendered as v1',
        ),
      );
      expect(outputs.files).toEqual([
        `gitops/${name}/namespace-${name}.yaml`,
        `gitops/${name}/gateway-waypoint.yaml`,
      ]);
      const rendered = yaml.parse(
        fs.readFileSync(path.join(workspacePath, outputs.files[1]), 'utf8'),
      );
      expect(rendered.apiVersion).toBe('gateway.networking.k8s.io/v1');
      expect(await client.getNamespace(name)).toBeUndefined();
    });
  });

  it('refuses to enrol a namespace of another mode', async () => {
    const name = await cluster().extraNamespace('sidecar');
    await expect(
      run({ name, injection: 'sidecar', waypoint: 'waypoint' }),
    ).rejects.toThrow(
      'waypoint: waypoint is only used with injection "ambient" (got injection "sidecar")',
    );
    expect(await client.getNamespace(name)).toBeUndefined();
  });
});
