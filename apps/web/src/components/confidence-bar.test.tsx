// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfidenceBar, confidenceLevel } from './confidence-bar';

afterEach(cleanup);

describe('ConfidenceBar', () => {
  it('shows the similarity as a percentage on a meter, with the shared terms', () => {
    render(<ConfidenceBar similarity={0.834} sharedTerms={['checkout', 'safari']} />);
    const meter = screen.getByRole('meter', { name: 'Similarity 83% (high)' });
    expect(meter.getAttribute('value')).toBe('83');
    expect(screen.getByText('83%', { selector: '.confidence-value' })).toBeTruthy();
    expect(screen.getByText('checkout, safari')).toBeTruthy();
  });

  it('marks a poorly fitting report as low and says when it shares no terms', () => {
    render(<ConfidenceBar similarity={0.31} sharedTerms={[]} />);
    const meter = screen.getByRole('meter', { name: 'Similarity 31% (low)' });
    expect(meter.className).toContain('confidence-low');
    expect(screen.getByText('No distinctive terms in common')).toBeTruthy();
  });

  it('keeps the bar within 0–100% whatever the similarity', () => {
    render(<ConfidenceBar similarity={1.0000002} sharedTerms={[]} />);
    expect(screen.getByRole('meter').getAttribute('value')).toBe('100');
    cleanup();
    render(<ConfidenceBar similarity={-0.2} sharedTerms={[]} />);
    expect(screen.getByRole('meter').getAttribute('value')).toBe('0');
    cleanup();
    render(<ConfidenceBar similarity={Number.NaN} sharedTerms={[]} />);
    expect(screen.getByRole('meter').getAttribute('value')).toBe('0');
  });

  it('draws the level thresholds at 50% and 75%', () => {
    expect(confidenceLevel(0.75)).toBe('high');
    expect(confidenceLevel(0.749)).toBe('medium');
    expect(confidenceLevel(0.5)).toBe('medium');
    expect(confidenceLevel(0.499)).toBe('low');
  });
});
