// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Sparkline, sparklinePoints } from './sparkline';

afterEach(cleanup);

describe('sparklinePoints', () => {
  it('spreads the values across the width and puts the largest at the top', () => {
    const points = sparklinePoints([0, 2, 4], 43, 23).split(' ');
    expect(points).toEqual(['1.5,21.5', '21.5,11.5', '41.5,1.5']);
  });

  it('draws all-zero counts as a flat line along the bottom', () => {
    const ys = sparklinePoints([0, 0, 0, 0], 100, 20)
      .split(' ')
      .map((p) => p.split(',')[1]);
    expect(new Set(ys)).toEqual(new Set(['18.5']));
  });

  it('draws nothing for no values and a lone value at the top left', () => {
    expect(sparklinePoints([], 100, 20)).toBe('');
    expect(sparklinePoints([3], 100, 20)).toBe('1.5,1.5');
  });
});

describe('Sparkline', () => {
  it('names the chart with the total and the last 7 days', () => {
    const trend = [...Array<number>(22).fill(0), 1, 0, 0, 0, 2, 0, 0, 3];
    render(<Sparkline values={trend} />);
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe('6 reports per day, last 30 days; 5 in the last 7 days');
    expect(chart.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(30);
  });

  it('says there is no data rather than drawing an empty chart', () => {
    render(<Sparkline values={[]} />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.getByText('no data')).toBeTruthy();
  });
});
