import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { compoundRef } from './overviewModel';

/**
 * Catalog entities as links to their pages, comma-separated; a value that
 * is no entity ref stays plain text. `none` says what an empty list means.
 */
export function RefLinks(props: {
  refs: string[];
  defaultKind: 'component' | 'group';
  none?: string;
  testId?: string;
}) {
  const { refs, defaultKind, none, testId } = props;
  if (refs.length === 0) {
    return none ? (
      <Typography
        variant="body2"
        color="textSecondary"
        component="span"
        data-testid={testId}
      >
        {none}
      </Typography>
    ) : null;
  }
  return (
    <span data-testid={testId}>
      {refs.map((ref, i) => {
        const parsed = compoundRef(ref, defaultKind);
        return (
          <Fragment key={ref}>
            {i > 0 && ', '}
            {parsed ? (
              <EntityRefLink
                entityRef={parsed}
                defaultKind={defaultKind}
                disableTooltip
              />
            ) : (
              ref
            )}
          </Fragment>
        );
      })}
    </span>
  );
}

/**
 * A row's catalog entities with their owners below: whom to ask about it.
 * `none` says what a row without entities is (e.g. "no catalog entity").
 */
export function Ownership(props: {
  entities: string[];
  owners: string[];
  none: string;
}) {
  return (
    <>
      <div>
        <RefLinks
          refs={props.entities}
          defaultKind="component"
          none={props.none}
          testId="row-entities"
        />
      </div>
      {props.owners.length > 0 && (
        <Typography variant="caption" color="textSecondary" component="div">
          {props.owners.length > 1 ? 'owners ' : 'owner '}
          <RefLinks
            refs={props.owners}
            defaultKind="group"
            testId="row-owners"
          />
        </Typography>
      )}
    </>
  );
}
