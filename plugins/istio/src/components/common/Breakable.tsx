import { Fragment } from 'react';

/**
 * A name such as a hostname, `namespace/name` or a Service's DNS name that
 * may wrap only after its dots and slashes, never mid-word: a line-break
 * opportunity (`<wbr>`) follows each separator. The text nodes stay siblings,
 * so the element's text is the name unchanged.
 */
export function Breakable(props: { text: string }) {
  const parts = props.text.split(/(?<=[./])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </>
  );
}

/**
 * Cell style for the tab's tables. Backstage's theme breaks table cells with
 * `word-break: break-word`, which lets the browser size a column below its
 * longest word and then split names anywhere (`shop.store.example.co|m`).
 * Normal breaking keeps words whole; a word wider than its cell still wraps
 * rather than overflowing.
 */
export const WRAP_WORDS = {
  wordBreak: 'normal',
  overflowWrap: 'break-word',
} as const;
