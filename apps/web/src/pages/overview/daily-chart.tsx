import type { DailyCounts } from '@fixloop/contracts';
import { SourceBadge } from '../../components/badges';

// The sources with a colour of their own, matching their badges; others take a spare colour in turn.
const KNOWN_COLOURS = new Set(['github', 'reddit', 'sentry', 'manual', 'sample']);
const SPARE_COLOURS = 4;

const WIDTH = 600;
const HEIGHT = 160;
const GAP = 2;

const shortDate = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDate = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** `2026-01-31` (a UTC day) as people read it; anything else as it is. */
function formatDay(day: string, format: Intl.DateTimeFormat): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? day : format.format(t);
}

function reports(n: number): string {
  return `${n} report${n === 1 ? '' : 's'}`;
}

interface Series {
  source: string;
  counts: number[];
  total: number;
  colour: string;
}

/** The sources with reports in the window, most first (stacked from the bottom in that order). */
export function chartSeries(daily: DailyCounts): Series[] {
  const series = Object.entries(daily.bySource)
    .map(([source, counts]) => ({ source, counts, total: counts.reduce((a, b) => a + b, 0) }))
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.source.localeCompare(b.source));
  let spare = 0;
  return series.map((s) => ({
    ...s,
    colour: KNOWN_COLOURS.has(s.source) ? `chart-${s.source}` : `chart-spare-${spare++ % SPARE_COLOURS}`,
  }));
}

/** One bar's tooltip: the day, its total, and the share of each source. */
function barTitle(day: string, total: number, parts: { source: string; n: number }[]): string {
  const detail = parts.map((p) => `${p.source} ${p.n}`).join(', ');
  return `${formatDay(day, longDate)}: ${reports(total)}${detail ? ` (${detail})` : ''}`;
}

/**
 * Reports per day over the overview's window, stacked by source, with a legend, date labels, a
 * tooltip per bar and, for screen readers, a summary and a table of the same numbers.
 */
export function DailyChart({ daily }: { daily: DailyCounts }) {
  const series = chartSeries(daily);
  const { days } = daily;
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0));
  const sum = totals.reduce((a, b) => a + b, 0);

  if (days.length === 0 || sum === 0) {
    return <p className="muted">No reports in the last {days.length || 30} days.</p>;
  }

  const max = Math.max(...totals);
  const slot = WIDTH / days.length;
  const busiest = totals.indexOf(max);
  const first = days[0] ?? '';
  const last = days.at(-1) ?? '';
  const middle = days[Math.floor((days.length - 1) / 2)] ?? '';
  const summary =
    `${reports(sum)} from ${formatDay(first, longDate)} to ${formatDay(last, longDate)}: ` +
    `${series.map((s) => `${s.source} ${s.total}`).join(', ')}. ` +
    `Busiest day ${formatDay(days[busiest] ?? '', longDate)} with ${reports(max)}.`;

  return (
    <figure className="daily-chart">
      <ul className="legend chart-legend" aria-label="Sources">
        {series.map((s) => (
          <li key={s.source}>
            <span className={`chart-swatch ${s.colour}`} aria-hidden="true" />
            <SourceBadge source={s.source} count={s.total} />
          </li>
        ))}
      </ul>
      <div className="chart-frame">
        <div className="chart-scale" aria-hidden="true">
          <span>{max}</span>
          <span>0</span>
        </div>
        <svg
          className="chart-plot"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`Reports per day by source. ${summary}`}
        >
          {days.map((day, i) => {
            const x = i * slot + GAP / 2;
            const width = Math.max(slot - GAP, 1);
            let top = HEIGHT;
            const parts = series.map((s) => ({ source: s.source, n: s.counts[i] ?? 0, colour: s.colour }));
            return (
              <g key={day} className="chart-day">
                <title>
                  {barTitle(
                    day,
                    totals[i] ?? 0,
                    parts.filter((p) => p.n > 0),
                  )}
                </title>
                <rect className="chart-hit" x={x} y={0} width={width} height={HEIGHT} />
                {parts.map((p) => {
                  if (p.n === 0) return null;
                  const h = (p.n / max) * HEIGHT;
                  top -= h;
                  return (
                    <rect
                      key={p.source}
                      className={`chart-bar ${p.colour}`}
                      data-source={p.source}
                      x={x}
                      y={top}
                      width={width}
                      height={h}
                    />
                  );
                })}
              </g>
            );
          })}
        </svg>
        <div className="chart-axis" aria-hidden="true">
          <time dateTime={first}>{formatDay(first, shortDate)}</time>
          <time dateTime={middle}>{formatDay(middle, shortDate)}</time>
          <time dateTime={last}>{formatDay(last, shortDate)}</time>
        </div>
      </div>
      {/* Hidden by a wrapper: a table sizes itself to its content whatever its own width says. */}
      <div className="visually-hidden">
        <table>
          <caption>Reports per day by source</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((s) => (
                <th key={s.source} scope="col">
                  {s.source}
                </th>
              ))}
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day, i) => (
              <tr key={day}>
                <th scope="row">{formatDay(day, longDate)}</th>
                {series.map((s) => (
                  <td key={s.source}>{s.counts[i] ?? 0}</td>
                ))}
                <td>{totals[i] ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
