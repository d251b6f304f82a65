import { type ReactNode, useEffect, useRef } from 'react';

/**
 * A setup step's heading. It takes focus when the step appears, so keyboard and screen reader
 * users start each step at its top.
 */
export function StepHeading({ id, children }: { id: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h2 id={id} ref={ref} tabIndex={-1} className="step-heading">
      {children}
    </h2>
  );
}

export const SETUP_STEPS = ['Name', 'Repository', 'Sources'] as const;

/** The steps as an ordered list: done, current (`aria-current="step"`), or to come. */
export function StepIndicator({ current }: { current: number }) {
  return (
    <ol className="steps" aria-label="Setup steps">
      {SETUP_STEPS.map((label, i) => {
        const n = i + 1;
        const state = n < current ? 'done' : n === current ? 'current' : 'todo';
        return (
          <li key={label} className={`step step-${state}`} aria-current={n === current ? 'step' : undefined}>
            <span className="step-number" aria-hidden="true">
              {n < current ? '✓' : n}
            </span>
            <span>
              {label}
              {n < current ? <span className="visually-hidden"> (done)</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
