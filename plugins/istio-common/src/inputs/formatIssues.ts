import { ZodError } from 'zod';
import { INPUT_LIMITS } from './limits';

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
 * Hostile input can have thousands of problems (2000 bad hosts); past `max`
 * lines (`INPUT_LIMITS.reportedIssues` unless given) the rest are summarised
 * in one last line. A list over its bound is reported before its entries.
 *
 * @public
 */
export function formatInputIssues(
  error: ZodError,
  max: number = INPUT_LIMITS.reportedIssues,
): string[] {
  const lines = error.issues.slice(0, max).map(issue => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const rest = error.issues.length - lines.length;
  if (rest > 0) {
    lines.push(`... and ${rest} more problem${rest === 1 ? '' : 's'}`);
  }
  return lines;
}
