import { Entity } from '@backstage/catalog-model';
import {
  catalogTargets,
  distinctLabelSets,
  Ownership,
  parseLabelSelector,
} from './ownership';

function component(
  name: string,
  annotations: Record<string, string>,
  owner?: string,
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace, annotations },
    spec: { type: 'service', lifecycle: 'production', ...(owner && { owner }) },
  };
}

describe('parseLabelSelector', () => {
  it('reads equality-based selectors and refuses set-based ones', () => {
    expect(parseLabelSelector('app=a, tier!=db,canary,!legacy')).toEqual([
      { key: 'app', op: 'eq', value: 'a' },
      { key: 'tier', op: 'ne', value: 'db' },
      { key: 'canary', op: 'exists' },
      { key: 'legacy', op: 'absent' },
    ]);
    expect(parseLabelSelector('app==a')).toEqual([
      { key: 'app', op: 'eq', value: 'a' },
    ]);
    expect(parseLabelSelector('env in (a,b)')).toBeUndefined();
    expect(parseLabelSelector(' ')).toBeUndefined();
  });
});

describe('catalogTargets', () => {
  it('maps entities as the status does and names owners as entity refs', () => {
    expect(
      catalogTargets([
        component(
          'checkout',
          { 'backstage.io/kubernetes-id': 'checkout' },
          'team-shop',
        ),
        component(
          'pay',
          {
            'backstage.io/kubernetes-label-selector': 'app=pay',
            'backstage.io/kubernetes-id': 'ignored',
            'backstage.io/kubernetes-namespace': 'pay',
            'backstage.io/kubernetes-cluster': 'east',
          },
          'user:alice',
          'finance',
        ),
        component('legacy', { 'backstage.io/kubernetes-namespace': 'legacy' }),
        component('docs', {}),
      ]),
    ).toEqual([
      {
        entityRef: 'component:default/checkout',
        owner: 'group:default/team-shop',
        selector: [
          { key: 'backstage.io/kubernetes-id', op: 'eq', value: 'checkout' },
        ],
      },
      {
        entityRef: 'component:finance/pay',
        owner: 'user:finance/alice',
        cluster: 'east',
        namespace: 'pay',
        selector: [{ key: 'app', op: 'eq', value: 'pay' }],
      },
      { entityRef: 'component:default/legacy', namespace: 'legacy' },
    ]);
  });
});

describe('Ownership', () => {
  const targets = catalogTargets([
    component(
      'checkout',
      { 'backstage.io/kubernetes-id': 'checkout' },
      'team-shop',
    ),
    component('cart', { 'backstage.io/kubernetes-id': 'cart' }, 'team-shop'),
    component(
      'pay',
      {
        'backstage.io/kubernetes-label-selector': 'app=pay',
        'backstage.io/kubernetes-namespace': 'pay',
        'backstage.io/kubernetes-cluster': 'east',
      },
      'group:default/team-pay',
    ),
    component(
      'legacy',
      { 'backstage.io/kubernetes-namespace': 'legacy' },
      'team-old',
    ),
  ]);
  const ownership = new Ownership(targets, {
    east: {
      shop: [
        { 'backstage.io/kubernetes-id': 'checkout' },
        { 'backstage.io/kubernetes-id': 'cart' },
      ],
      pay: [{ app: 'pay' }],
    },
    west: { pay: [{ app: 'pay' }] },
  });

  it('names the entities whose selector matches an object’s labels', () => {
    expect(
      ownership.of('east', [
        {
          namespace: 'shop',
          labels: { 'backstage.io/kubernetes-id': 'checkout', app: 'x' },
        },
      ]),
    ).toEqual({
      entities: ['component:default/checkout'],
      owners: ['group:default/team-shop'],
    });
  });

  it('falls back to the namespace’s entities: by annotation, or whose pods run there', () => {
    expect(ownership.of('east', [{ namespace: 'shop' }])).toEqual({
      entities: ['component:default/cart', 'component:default/checkout'],
      owners: ['group:default/team-shop'],
    });
    expect(
      ownership.of('east', [{ namespace: 'legacy', labels: { app: 'old' } }]),
    ).toEqual({
      entities: ['component:default/legacy'],
      owners: ['group:default/team-old'],
    });
    expect(ownership.of('east', [{ namespace: 'nobody' }])).toEqual({
      entities: [],
      owners: [],
    });
  });

  it('respects an entity’s cluster and namespace', () => {
    expect(
      ownership.of('west', [{ namespace: 'pay', labels: { app: 'pay' } }])
        .entities,
    ).toEqual([]);
    expect(
      ownership.of('east', [{ namespace: 'other', labels: { app: 'pay' } }])
        .entities,
    ).toEqual([]);
    expect(
      ownership.of('east', [{ namespace: 'pay', labels: { app: 'pay' } }]),
    ).toEqual({
      entities: ['component:default/pay'],
      owners: ['group:default/team-pay'],
    });
  });

  it('joins several keys', () => {
    expect(
      ownership.of('east', [
        { namespace: 'pay', labels: { app: 'pay' } },
        { namespace: 'legacy' },
      ]),
    ).toEqual({
      entities: ['component:default/legacy', 'component:default/pay'],
      owners: ['group:default/team-old', 'group:default/team-pay'],
    });
  });
});

describe('distinctLabelSets', () => {
  it('keeps each label set once, whatever the key order', () => {
    expect(
      distinctLabelSets([{ a: '1', b: '2' }, { b: '2', a: '1' }, { a: '2' }]),
    ).toEqual([{ a: '1', b: '2' }, { a: '2' }]);
  });
});
