import { registerMswTestHooks } from '@backstage/test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  BACKEND,
  renderWithBackend,
} from '../../__testUtils__/renderWithBackend';
import { MeshGatewayPicker } from './MeshGatewayPicker';
import { MeshHostField, meshHostValidation } from './MeshHostField';
import { MeshNamespacePicker } from './MeshNamespacePicker';
import { IstioClient } from '../../api';
import { validateHostname } from '@meshdeck/plugin-istio-common';
import { MockFetchApi, mockApis } from '@backstage/test-utils';

const server = setupServer();
registerMswTestHooks(server);

function fieldProps(formData: Record<string, string>, value?: string) {
  const onChange = jest.fn();
  return {
    onChange,
    props: {
      formData: value,
      onChange,
      schema: { title: 'Field' },
      uiSchema: { 'ui:options': { gatewayField: 'gateway' } },
      formContext: { formData },
      rawErrors: [],
      required: true,
      idSchema: { $id: 'field' },
    } as any,
  };
}

describe('template form fields', () => {
  beforeEach(() => {
    server.use(
      rest.get(`${BACKEND}/v1/template-fields/gateways`, (req, res, ctx) =>
        res(
          ctx.json({
            gateways:
              req.url.searchParams.get('cluster') === 'eks-prod'
                ? [
                    {
                      ref: 'istio-ingress/public-gateway',
                      hosts: ['*.shop.example.com'],
                      credentialName: 'istio-gateway-cert',
                    },
                  ]
                : [],
          }),
        ),
      ),
      rest.get(`${BACKEND}/v1/template-fields/namespaces`, (_req, res, ctx) =>
        res(ctx.json({ namespaces: ['shop', 'team-payments'] })),
      ),
      rest.get(`${BACKEND}/v1/template-fields/host-check`, (req, res, ctx) => {
        const host = req.url.searchParams.get('host');
        return res(
          ctx.json(
            host === 'taken.shop.example.com'
              ? {
                  host,
                  gateway: 'istio-ingress/public-gateway',
                  ok: false,
                  problems: [
                    'taken.shop.example.com is already routed by VirtualService other/taken on istio-ingress/public-gateway',
                  ],
                  notes: [],
                }
              : {
                  host,
                  gateway: 'istio-ingress/public-gateway',
                  ok: true,
                  problems: [],
                  notes: [
                    'covered by the certificate for *.shop.example.com (11 days left)',
                  ],
                },
          ),
        );
      }),
    );
  });

  it('checks the host live against the gateway', async () => {
    const { props } = fieldProps(
      { cluster: 'eks-prod', gateway: 'istio-ingress/public-gateway' },
      'pay.shop.example.com',
    );
    await renderWithBackend(<MeshHostField {...props} />);
    expect(
      await screen.findByText(
        '✓ pay.shop.example.com can go on istio-ingress/public-gateway: covered by the certificate for *.shop.example.com (11 days left)',
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
  });

  it('says why a host cannot be used, and syntax errors without asking', async () => {
    const taken = fieldProps(
      { cluster: 'eks-prod', gateway: 'istio-ingress/public-gateway' },
      'taken.shop.example.com',
    );
    const { unmount } = await renderWithBackend(
      <MeshHostField {...taken.props} />,
    );
    expect(
      await screen.findByText(
        /is already routed by VirtualService other\/taken/,
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    unmount();
    const bad = fieldProps({ cluster: 'eks-prod', gateway: 'x/y' }, 'Bad_Host');
    await renderWithBackend(<MeshHostField {...bad.props} />);
    expect(
      await screen.findByText(validateHostname('Bad_Host')!),
    ).toBeInTheDocument();
  });

  it('blocks the step through validation while the host is taken', async () => {
    const client = new IstioClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
      fetchApi: new MockFetchApi(),
    });
    const errors: string[] = [];
    await meshHostValidation(
      'taken.shop.example.com',
      { addError: (e: string) => errors.push(e) } as any,
      {
        apiHolder: { get: () => client } as any,
        formData: {
          cluster: 'eks-prod',
          gateway: 'istio-ingress/public-gateway',
        },
        schema: {},
        uiSchema: { 'ui:options': { gatewayField: 'gateway' } } as any,
      },
    );
    expect(errors).toEqual([
      'taken.shop.example.com is already routed by VirtualService other/taken on istio-ingress/public-gateway',
    ]);
  });

  it('offers the allowed gateways of the picked cluster with their hosts', async () => {
    const { props } = fieldProps(
      { cluster: 'eks-prod' },
      'istio-ingress/public-gateway',
    );
    await renderWithBackend(<MeshGatewayPicker {...props} />);
    expect(
      await screen.findByText(
        'Serves *.shop.example.com with certificate secret istio-gateway-cert',
      ),
    ).toBeInTheDocument();
  });

  it('asks for the cluster before listing namespaces, then lists the allowed ones', async () => {
    const none = fieldProps({});
    const { unmount } = await renderWithBackend(
      <MeshNamespacePicker {...none.props} />,
    );
    expect(screen.getByText('Pick a cluster first')).toBeInTheDocument();
    unmount();
    const { props } = fieldProps({ cluster: 'eks-prod' });
    await renderWithBackend(<MeshNamespacePicker {...props} />);
    fireEvent.mouseDown(screen.getByRole('textbox'));
    await waitFor(() =>
      expect(screen.getByText('team-payments')).toBeInTheDocument(),
    );
  });
});
