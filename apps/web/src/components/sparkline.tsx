export interface SparklineProps {
  /** Counts, oldest first (a cluster's `trend`: reports per day over 30 days). */
  values: readonly number[];
  width?: number;
  height?: number;
  /** What the values are, for the accessible name. */
  label?: string;
}

const PAD = 1.5;

/** The polyline points of `values` scaled into a `width × height` box, the largest value at the top. */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? (width - 2 * PAD) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = PAD + i * step;
      const y = height - PAD - (Math.max(v, 0) / max) * (height - 2 * PAD);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** A small line chart of daily counts; its accessible name gives the total and the busiest day. */
export function Sparkline({
  values,
  width = 96,
  height = 24,
  label = 'reports per day, last 30 days',
}: SparklineProps) {
  const total = values.reduce((a, b) => a + b, 0);
  const last7 = values.slice(-7).reduce((a, b) => a + b, 0);
  const name = `${total} ${label}; ${last7} in the last 7 days`;
  if (values.length === 0) {
    return <span className="sparkline-empty">no data</span>;
  }
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={name}
    >
      <title>{name}</title>
      <polyline
        points={sparklinePoints(values, width, height)}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
}
