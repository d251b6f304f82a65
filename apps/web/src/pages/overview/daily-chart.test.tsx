// @vitest-environment jsdom
import type { DailyCounts } from '@fixloop/contracts';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { chartSeries, DailyChart } from './daily-chart';

afterEach(cleanup);

const daily: DailyCounts = {
  days: ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'],
  bySource: {
    reddit: [1, 0, 2, 0, 0],
    github: [3, 0, 2, 1, 0],
    manual: [0, 0, 0, 0, 0],
    zendesk: [0, 0, 0, 0, 1],
  },
};

function bars(day: number): Element[] {
  const group = document.querySelectorAll('svg .chart-day')[day];
  return Array.from(group?.querySelectorAll('.chart-bar') ?? []);
}

describe('DailyChart', () => {
  it('stacks each day by source, most reports at the bottom, scaled to the busiest day', () => {
    render(<DailyChart daily={daily} />);

    expect(document.querySelectorAll('svg .chart-day')).toHaveLength(5);
    const first = bars(0);
    expect(first.map((r) => r.getAttribute('data-source'))).toEqual(['github', 'reddit']);
    // day 1 has 4 reports, as many as day 3: both are full height (160)
    expect(first.map((r) => Number(r.getAttribute('height')))).toEqual([120, 40]);
    expect(first.map((r) => Number(r.getAttribute('y')))).toEqual([40, 0]);
    expect(bars(1)).toHaveLength(0);
    expect(bars(4).map((r) => r.getAttribute('class'))).toEqual(['chart-bar chart-spare-0']);
    expect(first[0]?.getAttribute('class')).toBe('chart-bar chart-github');
  });

  it('explains each bar in its tooltip', () => {
    render(<DailyChart daily={daily} />);
    const titles = Array.from(document.querySelectorAll('svg .chart-day > title')).map((t) => t.textContent);
    expect(titles[0]).toBe('Jan 1, 2026: 4 reports (github 3, reddit 1)');
    expect(titles[1]).toBe('Jan 2, 2026: 0 reports');
    expect(titles[4]).toBe('Jan 5, 2026: 1 report (zendesk 1)');
  });

  it('has a legend of the sources with reports, in badge colours, and dated axis labels', () => {
    render(<DailyChart daily={daily} />);
    const legend = screen.getByRole('list', { name: 'Sources' });
    const items = within(legend).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(['github 6', 'reddit 3', 'zendesk 1']);
    expect(items[1]?.querySelector('.chart-swatch')?.classList.contains('chart-reddit')).toBe(true);
    expect(items[1]?.querySelector('.badge')?.classList.contains('source-reddit')).toBe(true);
    const axis = Array.from(document.querySelectorAll('.chart-axis time')).map((t) =>
      t.getAttribute('dateTime'),
    );
    expect(axis).toEqual(['2026-01-01', '2026-01-03', '2026-01-05']);
    expect(document.querySelector('.chart-axis')?.textContent).toBe('Jan 1Jan 3Jan 5');
  });

  it('gives screen readers a summary and a table of the same numbers', () => {
    render(<DailyChart daily={daily} />);
    const img = screen.getByRole('img');
    expect(img.getAttribute('aria-label')).toBe(
      'Reports per day by source. 10 reports from Jan 1, 2026 to Jan 5, 2026: github 6, reddit 3, zendesk 1. ' +
        'Busiest day Jan 1, 2026 with 4 reports.',
    );
    const table = screen.getByRole('table', { name: 'Reports per day by source' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Day', 'github', 'reddit', 'zendesk', 'Total']);
    const row = within(table).getByRole('rowheader', { name: 'Jan 3, 2026' }).closest('tr');
    expect(Array.from(row?.querySelectorAll('td') ?? []).map((td) => td.textContent)).toEqual([
      '2',
      '2',
      '0',
      '4',
    ]);
  });

  it('says so when nothing arrived', () => {
    render(<DailyChart daily={{ days: daily.days, bySource: { github: [0, 0, 0, 0, 0] } }} />);
    expect(screen.getByText('No reports in the last 5 days.')).toBeTruthy();
    expect(screen.queryByRole('img')).toBeNull();
  });
});

describe('chartSeries', () => {
  it('gives known sources their own colour and others spare ones in turn', () => {
    const series = chartSeries({
      days: ['2026-01-01'],
      bySource: { sample: [5], a: [4], b: [3], c: [2], d: [1], e: [1], sentry: [0] },
    });
    expect(series.map((s) => s.colour)).toEqual([
      'chart-sample',
      'chart-spare-0',
      'chart-spare-1',
      'chart-spare-2',
      'chart-spare-3',
      'chart-spare-0',
    ]);
  });
});
