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
});
