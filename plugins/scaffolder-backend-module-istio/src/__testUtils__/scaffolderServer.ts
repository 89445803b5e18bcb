import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { scaffolderModuleIstio } from '../module';

/**
 * A backend with the real scaffolder and this module, on the test cluster,
 * allowed to write to `allowedNamespaces` and gateways in `ingress`.
 */
export async function startScaffolder(
  cluster: () => import('@meshdeck/plugin-istio-node/testUtils').TestCluster,
  ingress: string,
  allowedNamespaces: string[],
  entities: object[],
) {
  const { server } = await startTestBackend({
    features: [
      import('@backstage/plugin-scaffolder-backend'),
      import('@backstage/plugin-scaffolder-backend-module-github'),
      scaffolderModuleIstio,
      catalogServiceMock.factory({ entities: entities as any }),
      mockServices.rootConfig.factory({
        data: {
          ...cluster().config.get<object>(),
          istio: {
            scaffolder: {
              allowedNamespaces,
              allowedGateways: [`${ingress}/*`],
            },
          },
        },
      }),
    ],
  });
  return server;
}

/** Waits until a scaffolder task ends; its final state. */
export async function waitForTask(server: any, id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(server)
      .get(`/api/scaffolder/v2/tasks/${id}`)
      .set('authorization', mockCredentials.user.header());
    if (['completed', 'failed', 'cancelled'].includes(res.body.status)) {
      return res.body;
    }
    if (Date.now() > deadline) {
      throw new Error(`task ${id} still ${res.body.status} after 60 s`);
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

/** A task's log, one line per event. */
export async function taskLog(server: any, id: string): Promise<string> {
  const res = await request(server)
    .get(`/api/scaffolder/v2/tasks/${id}/events`)
    .set('authorization', mockCredentials.user.header());
  return (res.body as Array<{ body: { message?: string } }>)
    .map(e => e.body.message ?? '')
    .join('\n');
}
