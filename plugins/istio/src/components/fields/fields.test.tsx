import { registerMswTestHooks, renderInTestApp } from '@backstage/test-utils';
import { TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import {
  BACKEND,
  renderWithBackend,
} from '../../__testUtils__/renderWithBackend';
import { MeshGatewayPicker } from './MeshGatewayPicker';
import { MeshHostField, meshHostValidation } from './MeshHostField';
import { MeshNamespacePicker } from './MeshNamespacePicker';
import {
  MeshRouteApiPicker,
  meshRouteApiValidation,
} from './MeshRouteApiPicker';
import { IstioClient, istioApiRef } from '../../api';
import { validateHostname } from '@meshdeck/plugin-istio-common';
import { MockFetchApi, mockApis } from '@backstage/test-utils';

const server = setupServer();
registerMswTestHooks(server);

function fieldProps(
  formData: Record<string, string>,
  value?: string,
  options: Record<string, string> = {},
) {
  const onChange = jest.fn();
  return {
    onChange,
    props: {
      formData: value,
      onChange,
      schema: { title: 'Field' },
      uiSchema: { 'ui:options': { gatewayField: 'gateway', ...options } },
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

  describe('with a choice of route API', () => {
    /** The query strings the backend was asked, by endpoint. */
    let asked: Record<string, URLSearchParams[]>;
    const gatewayApiGateways = [
      {
        ref: 'istio-ingress/public',
        api: 'gateway-api',
        hosts: ['*.shop.example.com'],
        listeners: [
          {
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: '*.shop.example.com',
            allowedRoutesFrom: 'All',
            certificateRefs: ['istio-ingress/wildcard-cert'],
          },
        ],
      },
      {
        ref: 'istio-ingress/team-only',
        api: 'gateway-api',
        hosts: ['*.team.example.com'],
        listeners: [
          {
            name: 'https',
            port: 443,
            protocol: 'HTTPS',
            hostname: '*.team.example.com',
            allowedRoutesFrom: 'Selector',
          },
        ],
      },
    ];

    beforeEach(() => {
      asked = {};
      const record = (name: string, params: URLSearchParams) => {
        (asked[name] ??= []).push(params);
      };
      server.use(
        rest.get(`${BACKEND}/v1/template-fields/route-api`, (req, res, ctx) => {
          record('route-api', req.url.searchParams);
          const cluster = req.url.searchParams.get('cluster');
          return res(
            ctx.json(
              cluster === 'istio-only'
                ? {
                    default: 'istio',
                    configured: 'gateway-api',
                    served: { istio: true, gatewayApi: false },
                  }
                : {
                    default: 'istio',
                    configured: 'istio',
                    served: { istio: true, gatewayApi: true },
                  },
            ),
          );
        }),
        rest.get(`${BACKEND}/v1/template-fields/gateways`, (req, res, ctx) => {
          record('gateways', req.url.searchParams);
          return req.url.searchParams.get('api') === 'gateway-api'
            ? res(ctx.json({ gateways: gatewayApiGateways }))
            : res(
                ctx.json({
                  gateways: [
                    {
                      ref: 'istio-ingress/public-gateway',
                      api: 'istio',
                      hosts: ['*.shop.example.com'],
                      credentialName: 'istio-gateway-cert',
                    },
                  ],
                }),
              );
        }),
        rest.get(
          `${BACKEND}/v1/template-fields/host-check`,
          (req, res, ctx) => {
            record('host-check', req.url.searchParams);
            const host = req.url.searchParams.get('host')!;
            const gatewayApi =
              req.url.searchParams.get('api') === 'gateway-api';
            return res(
              ctx.json(
                host === 'blog.shop.example.com' && gatewayApi
                  ? {
                      host,
                      gateway: 'istio-ingress/public',
                      api: 'gateway-api',
                      ok: false,
                      problems: [
                        "hostname blog.shop.example.com on listener 'https' of Gateway istio-ingress/public is already attached by HTTPRoute team-b/blog of namespace 'team-b'",
                      ],
                      notes: [],
                    }
                  : {
                      host,
                      gateway: req.url.searchParams.get('gateway'),
                      api: gatewayApi ? 'gateway-api' : 'istio',
                      ok: true,
                      problems: [],
                      notes: [
                        gatewayApi
                          ? "on listener 'https' (HTTPS 443), covered by the certificate for *.shop.example.com (11 days left)"
                          : 'covered by the certificate for *.shop.example.com (11 days left)',
                      ],
                    },
              ),
            );
          },
        ),
      );
    });

    it('MeshRouteApiPicker starts with the platform default and shows both choices in words', async () => {
      const { props, onChange } = fieldProps({ cluster: 'eks-prod' });
      await renderWithBackend(<MeshRouteApiPicker {...props} />);
      await waitFor(() => expect(onChange).toHaveBeenCalledWith('istio'));
      expect(asked['route-api'][0].get('cluster')).toBe('eks-prod');
      const istio = screen.getByLabelText(
        'Istio Gateway and VirtualService (networking.istio.io)',
      );
      const gatewayApi = screen.getByLabelText(
        'Kubernetes Gateway API: Gateway and HTTPRoute (gateway.networking.k8s.io)',
      );
      expect(istio).toBeEnabled();
      expect(gatewayApi).toBeEnabled();
      fireEvent.click(gatewayApi);
      expect(onChange).toHaveBeenLastCalledWith('gateway-api');
    });

    it('MeshRouteApiPicker keeps a choice made, and disables an API the cluster does not serve', async () => {
      const { props, onChange } = fieldProps(
        { cluster: 'istio-only' },
        'istio',
      );
      await renderWithBackend(<MeshRouteApiPicker {...props} />);
      const gatewayApi = await screen.findByLabelText(
        'Kubernetes Gateway API: Gateway and HTTPRoute (gateway.networking.k8s.io) (not served by istio-only)',
      );
      expect(gatewayApi).toBeDisabled();
      expect(
        screen.getByLabelText(
          'Istio Gateway and VirtualService (networking.istio.io)',
        ),
      ).toBeChecked();
      expect(
        screen.getByText(
          "The platform's default is the Kubernetes Gateway API: Gateway and HTTPRoute (gateway.networking.k8s.io), but istio-only serves only the other one",
        ),
      ).toBeInTheDocument();
      expect(onChange).not.toHaveBeenCalled();
    });

    it('MeshRouteApiPicker asks for the cluster first, and its validation blocks an API the cluster does not serve', async () => {
      const none = fieldProps({});
      await renderWithBackend(<MeshRouteApiPicker {...none.props} />);
      expect(
        screen.getByText(
          'Pick a cluster first: it decides which APIs can be used',
        ),
      ).toBeInTheDocument();
      expect(asked['route-api']).toBeUndefined();

      const client = new IstioClient({
        discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
        fetchApi: new MockFetchApi(),
      });
      const errors: string[] = [];
      const validate = (value: string, cluster: string) =>
        meshRouteApiValidation(
          value,
          { addError: (e: string) => errors.push(e) } as any,
          {
            apiHolder: { get: () => client } as any,
            formData: { cluster },
            schema: {},
            uiSchema: {} as any,
          },
        );
      await validate('istio', 'istio-only');
      await validate('gateway-api', 'eks-prod');
      expect(errors).toEqual([]);
      await validate('gateway-api', 'istio-only');
      expect(errors).toEqual([
        'The cluster does not serve the Gateway API Gateway and HTTPRoute kinds (gateway.networking.k8s.io): choose the other API',
      ]);
    });

    it('MeshGatewayPicker lists Gateway API Gateways with their listeners when the route API says so', async () => {
      const { props } = fieldProps(
        { cluster: 'eks-prod', routeApi: 'gateway-api' },
        'istio-ingress/public',
        { routeApiField: 'routeApi' },
      );
      await renderWithBackend(<MeshGatewayPicker {...props} />);
      expect(
        await screen.findByText(
          'Serves *.shop.example.com on listener https (HTTPS 443) with certificate istio-ingress/wildcard-cert, taking routes of every namespace',
        ),
      ).toBeInTheDocument();
      expect(asked.gateways.map(p => p.get('api'))).toEqual(['gateway-api']);
    });

    it('MeshGatewayPicker waits for the route API, and takes a gateway of the new kind when it changes', async () => {
      const waiting = fieldProps({ cluster: 'eks-prod' }, undefined, {
        routeApiField: 'routeApi',
      });
      const { unmount } = await renderWithBackend(
        <MeshGatewayPicker {...waiting.props} />,
      );
      expect(
        screen.getByText('Choose how routes are written first'),
      ).toBeInTheDocument();
      expect(asked.gateways).toBeUndefined();
      unmount();

      const onChange = jest.fn();
      function Form() {
        const [routeApi, setRouteApi] = useState('istio');
        const [gateway, setGateway] = useState<string | undefined>(
          'istio-ingress/public-gateway',
        );
        const { props } = fieldProps(
          { cluster: 'eks-prod', routeApi },
          gateway,
          { routeApiField: 'routeApi' },
        );
        return (
          <>
            <button onClick={() => setRouteApi('gateway-api')}>
              Gateway API
            </button>
            <MeshGatewayPicker
              {...props}
              onChange={(value: string | undefined) => {
                onChange(value);
                setGateway(value);
              }}
            />
          </>
        );
      }
      await renderWithBackend(<Form />);
      expect(
        await screen.findByText(
          'Serves *.shop.example.com with certificate secret istio-gateway-cert',
        ),
      ).toBeInTheDocument();
      expect(onChange).not.toHaveBeenCalled();
      fireEvent.click(screen.getByText('Gateway API'));
      await waitFor(() =>
        expect(onChange).toHaveBeenCalledWith('istio-ingress/public'),
      );
      expect(
        await screen.findByText(
          /^Serves \*\.shop\.example\.com on listener https/,
        ),
      ).toBeInTheDocument();
    });

    it('MeshHostField checks with the Gateway API rules, with the namespace', async () => {
      const { props } = fieldProps(
        {
          cluster: 'eks-prod',
          gateway: 'istio-ingress/public',
          routeApi: 'gateway-api',
          namespace: 'team-a',
        },
        'blog.shop.example.com',
        { routeApiField: 'routeApi' },
      );
      await renderWithBackend(<MeshHostField {...props} />);
      expect(
        await screen.findByText(
          /is already attached by HTTPRoute team-b\/blog of namespace 'team-b'/,
          {},
          { timeout: 3000 },
        ),
      ).toBeInTheDocument();
      const [params] = asked['host-check'];
      expect(Object.fromEntries(params)).toEqual({
        cluster: 'eks-prod',
        gateway: 'istio-ingress/public',
        host: 'blog.shop.example.com',
        namespace: 'team-a',
        api: 'gateway-api',
      });
    });

    it('MeshHostField waits for the route API, and for the namespace with the Gateway API', async () => {
      const noApi = fieldProps(
        { cluster: 'eks-prod', gateway: 'istio-ingress/public' },
        'pay.shop.example.com',
        { routeApiField: 'routeApi' },
      );
      const { unmount } = await renderWithBackend(
        <MeshHostField {...noApi.props} />,
      );
      expect(
        screen.getByText(
          'Choose how routes are written first; the host is checked against that kind of gateway',
        ),
      ).toBeInTheDocument();
      unmount();
      const noNamespace = fieldProps(
        {
          cluster: 'eks-prod',
          gateway: 'istio-ingress/public',
          routeApi: 'gateway-api',
        },
        'pay.shop.example.com',
        { routeApiField: 'routeApi' },
      );
      await renderWithBackend(<MeshHostField {...noNamespace.props} />);
      expect(
        screen.getByText(
          "Pick the namespace first: a Gateway API gateway's listeners take routes by their namespace",
        ),
      ).toBeInTheDocument();
      // past the field's debounce: still nothing asked
      await act(() => new Promise(r => setTimeout(r, 600)));
      expect(asked['host-check']).toBeUndefined();
    });

    it("MeshHostField takes the route's namespace and name from the component (entityField)", async () => {
      const client = new IstioClient({
        discoveryApi: mockApis.discovery({ baseUrl: 'http://backend.test' }),
        fetchApi: new MockFetchApi(),
      });
      const catalogApi = catalogApiMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'payments',
              namespace: 'default',
              annotations: {
                'backstage.io/kubernetes-namespace': 'team-payments',
              },
            },
            spec: { type: 'service', owner: 'team-payments' },
          },
        ],
      });
      const { props } = fieldProps(
        {
          entity: 'component:default/payments',
          cluster: 'eks-prod',
          gateway: 'istio-ingress/public',
          routeApi: 'gateway-api',
        },
        'pay.shop.example.com',
        {
          routeApiField: 'routeApi',
          routeNameField: 'service',
          entityField: 'entity',
        },
      );
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [istioApiRef, client],
            [catalogApiRef, catalogApi],
          ]}
        >
          <MeshHostField {...props} />
        </TestApiProvider>,
      );
      expect(
        await screen.findByText(
          "✓ pay.shop.example.com can go on istio-ingress/public: on listener 'https' (HTTPS 443), covered by the certificate for *.shop.example.com (11 days left)",
          {},
          { timeout: 3000 },
        ),
      ).toBeInTheDocument();
      expect(Object.fromEntries(asked['host-check'][0])).toMatchObject({
        namespace: 'team-payments',
        name: 'payments',
        api: 'gateway-api',
      });

      // and the validation that blocks the step does the same
      const errors: string[] = [];
      await meshHostValidation(
        'blog.shop.example.com',
        { addError: (e: string) => errors.push(e) } as any,
        {
          apiHolder: {
            get: (ref: { id: string }) =>
              ref.id === catalogApiRef.id ? catalogApi : client,
          } as any,
          formData: {
            entity: 'component:default/payments',
            cluster: 'eks-prod',
            gateway: 'istio-ingress/public',
            routeApi: 'gateway-api',
          },
          schema: {},
          uiSchema: {
            'ui:options': { routeApiField: 'routeApi', entityField: 'entity' },
          } as any,
        },
      );
      expect(errors).toEqual([
        "hostname blog.shop.example.com on listener 'https' of Gateway istio-ingress/public is already attached by HTTPRoute team-b/blog of namespace 'team-b'",
      ]);
      expect(Object.fromEntries(asked['host-check'].at(-1)!)).toMatchObject({
        namespace: 'team-payments',
        name: 'payments',
      });
    });
  });
});
