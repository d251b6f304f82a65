import type { FormEvent, HTMLInputTypeAttribute, ReactNode } from 'react';

/** One labelled input of a sign-in form; `hint` sits under it with the id `hintId`. */
export function FormField(props: {
  id: string;
  label: string;
  name: string;
  type?: HTMLInputTypeAttribute;
  autoComplete: string;
  spellCheck?: boolean;
  value: string;
  onChange: (value: string) => void;
  invalid?: boolean;
  describedBy: string | undefined;
  readOnly: boolean;
  hint?: ReactNode;
  hintId?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type}
        autoComplete={props.autoComplete}
        spellCheck={props.spellCheck}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.invalid}
        aria-describedby={props.describedBy}
        readOnly={props.readOnly}
      />
      {props.hint !== undefined ? (
        <p id={props.hintId} className="hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The frame every sign-in form shares: its title, its fields, the error as an alert, and the
 * submit button, which says `pendingLabel` and is disabled while the request runs.
 */
export function SignInFrame(props: {
  id: string;
  title: string;
  /** Whether the title names the form (which makes it a landmark). */
  named?: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  error: string | null;
  errorId: string;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  children: ReactNode;
}) {
  const titleId = `${props.id}-title`;
  return (
    <form
      className="form login-form"
      onSubmit={props.onSubmit}
      noValidate
      aria-labelledby={props.named === false ? undefined : titleId}
    >
      <h2 id={titleId} className="login-method">
        {props.title}
      </h2>
      {props.children}
      {props.error !== null ? (
        <p id={props.errorId} className="field-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={props.pending}>
        {props.pending ? props.pendingLabel : props.submitLabel}
      </button>
    </form>
  );
}
