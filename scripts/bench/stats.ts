/*
 * Percentiles and the formatting of the benchmarks' numbers.
 */

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[
    Math.max(
      0,
      Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
}

/** What the tables print of a set of timings (milliseconds). */
export type Summary = {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
};

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

/** `12.3 ms`, or `-` when there is no number. */
export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) {
    return '-';
  }
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

/** `6.8×`, or `-`. */
export function times(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(1)}×`;
}

/** `123 MB`, or `-`. */
export function mb(v: number | undefined): string {
  // `+ 0` turns the -0 of a rounded small loss into 0
  return v === undefined || !Number.isFinite(v)
    ? '-'
    : `${Math.round(v) + 0} MB`;
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map(row =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell.padEnd(widths[i]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
