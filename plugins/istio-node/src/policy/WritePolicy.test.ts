import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { WritePolicy } from './WritePolicy';

const policy = WritePolicy.fromConfig(
  new ConfigReader({
    istio: {
      scaffolder: {
        allowedNamespaces: ['team-*', 'shop'],
        allowedGateways: ['istio-ingress/*'],
      },
    },
  }),
);

describe('WritePolicy', () => {
  it('allows configured namespaces and gateways', () => {
    expect(() =>
      policy.assertAllowed({
        namespaces: ['team-a', 'team-b-c', 'shop'],
        gateways: ['istio-ingress/public'],
      }),
    ).not.toThrow();
  });

  it('refuses everything else, naming each offender', () => {
    const attempt = () =>
      policy.assertAllowed({
        namespaces: ['kube-system', 'shopping'],
        gateways: ['istio-system/admin', 'istio-ingress.evil/x'],
      });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(
      "namespace 'kube-system' is not in istio.scaffolder.allowedNamespaces (team-*, shop); namespace 'shopping' is not in",
    );
    expect(attempt).toThrow(
      "gateway 'istio-system/admin' is not in istio.scaffolder.allowedGateways (istio-ingress/*); gateway 'istio-ingress.evil/x'",
    );
  });

  it('allows nothing when unconfigured', () => {
    expect(() =>
      WritePolicy.fromConfig(new ConfigReader({})).assertAllowed({
        namespaces: ['shop'],
      }),
    ).toThrow('(none configured)');
  });

  it('creates Gateways in gateway namespaces without making them team namespaces', () => {
    const withGatewayNamespaces = new WritePolicy(
      ['team-*'],
      ['istio-ingress/*'],
      { gatewayNamespaces: ['istio-ingress'] },
    );
    expect(() =>
      withGatewayNamespaces.assertAllowed({
        createsGateways: ['istio-ingress/team-a-gw'],
      }),
    ).not.toThrow();
    expect(() =>
      withGatewayNamespaces.assertAllowed({ namespaces: ['istio-ingress'] }),
    ).toThrow(
      "namespace 'istio-ingress' is not in istio.scaffolder.allowedNamespaces",
    );
    // without gatewayNamespaces the error names the setting to change
    expect(() =>
      policy.assertAllowed({ createsGateways: ['istio-ingress/team-a-gw'] }),
    ).toThrow(
      "namespace 'istio-ingress' is neither in istio.scaffolder.gatewayNamespaces (none configured) nor a team namespace of istio.scaffolder.allowedNamespaces; add it to gatewayNamespaces",
    );
    expect(() =>
      withGatewayNamespaces.assertAllowed({
        createsGateways: ['istio-system/admin'],
      }),
    ).toThrow(
      "gateway 'istio-system/admin' is not in istio.scaffolder.allowedGateways",
    );
  });

  it('gives the rule book the allowed destinations and protects the gateway namespaces', () => {
    const reach = WritePolicy.fromConfig(
      new ConfigReader({
        istio: {
          scaffolder: {
            allowedNamespaces: ['team-*'],
            allowedGateways: ['istio-ingress/*', 'edge-*/public'],
            gatewayNamespaces: ['platform-gateways'],
            allowedDestinations: ['shared-*', 'api.partner.example'],
          },
        },
      }),
    ).destinationPolicy();
    expect(reach).toEqual({
      allowed: ['shared-*', 'api.partner.example'],
      protectedNamespaces: ['platform-gateways', 'istio-ingress'],
      setting: 'istio.scaffolder.allowedDestinations',
    });
  });
});
