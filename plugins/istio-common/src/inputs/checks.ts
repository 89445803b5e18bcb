/**
 * Patterns the input schemas share that are not part of the public field
 * builders. Regular expressions, so the fields stay `ZodString`s (and keep
 * their JSON Schema in the scaffolder's action docs).
 */

/* eslint-disable no-control-regex -- control characters are what these refuse */

/** A DNS-1123 label of at most 63 characters. */
const LABEL = '[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?';

/**
 * `<namespace>/<name>`: a DNS-1123 label, `/`, a DNS-1123 subdomain of at
 * most 253 characters (a Gateway, a service account).
 */
export const NAMESPACED_REF = new RegExp(
  `^${LABEL}\\/(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`,
);

/**
 * No line breaks or control characters: for names taken as they are
 * (`cluster`), where such a character can only be a mistake or an attack on
 * the task log.
 */
export const NO_CONTROL_CHARACTERS =
  /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/;

/**
 * An HTTP path or file path as written in a manifest: no whitespace and no
 * control characters (a request path never has them; a path with them
 * never matches).
 */
export const NO_WHITESPACE = /^[^\s\u0000-\u001f\u007f-\u009f]*$/;

/**
 * A relative path that stays inside the workspace: not absolute (`/`, `\`
 * or a drive letter), no `..` segment, no control characters.
 */
export const WORKSPACE_PATH =
  /^(?![\\/])(?![A-Za-z]:)(?!(?:.*[\\/])?\.\.(?:[\\/]|$))[^\u0000-\u001f\u007f-\u009f]*$/;

/* eslint-enable no-control-regex */
