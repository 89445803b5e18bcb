import { ZodError } from 'zod';

function formatPath(path: (string | number)[]): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') {
        return `[${part}]`;
      }
      return i === 0 ? part : `.${part}`;
    })
    .join('');
}

/**
 * One line per problem, prefixed with where it is (`routes[0].destinations`),
 * for error messages shown in the scaffolder task log and in forms.
 *
 * @public
 */
export function formatInputIssues(error: ZodError): string[] {
  return error.issues.map(issue => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}
