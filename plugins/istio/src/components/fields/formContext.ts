import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';

/** A value entered elsewhere in the template's form (any page). */
export function formValue(
  props: Pick<FieldExtensionComponentProps<unknown>, 'formContext'>,
  key: string | undefined,
): string | undefined {
  if (!key) {
    return undefined;
  }
  const value = (props.formContext as any)?.formData?.[key];
  return typeof value === 'string' && value ? value : undefined;
}
