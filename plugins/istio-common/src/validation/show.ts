/**
 * A value as an error message quotes it: in double quotes with line breaks,
 * control and invisible characters escaped (so a hostile value cannot add
 * lines to a task log or hide what it is), and shortened past `max`
 * characters with its length. `show('Shop')` is `"Shop"`.
 */
export function show(value: string, max = 64): string {
  const shortened = value.length > max ? value.slice(0, max) : value;
  const quoted = JSON.stringify(shortened).replace(
    /[\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return value.length > max
    ? `${quoted.slice(0, -1)}…" (${value.length} characters)`
    : quoted;
}
