import { type ButtonHTMLAttributes, type ReactNode, useId } from 'react';
import type { ApiError } from '../api/client.ts';

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & {
    variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
    pending?: boolean;
  },
) {
  const { variant = 'secondary', pending, className, children, disabled, type, ...rest } = props;
  return (
    <button
      type={type ?? 'button'}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

/** A labelled input: every field of the app goes through this so it has a label, hint and error. */
export function Field(props: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy =
    [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint ? (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={errorId} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function PageHeader(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="page-subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card${props.className ? ` ${props.className}` : ''}`}>
      {props.title || props.actions ? (
        <div className="card-head">
          {props.title ? <h2>{props.title}</h2> : <span />}
          {props.actions}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-mark" aria-hidden="true">
        ◇
      </div>
      <h3>{props.title}</h3>
      {props.children ? <p>{props.children}</p> : null}
      {props.action ? <div className="empty-action">{props.action}</div> : null}
    </div>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

/** An API failure in words; a missing endpoint reads as "not available on this server". */
export function ErrorNotice(props: { error: ApiError | undefined; what?: string; onRetry?: () => void }) {
  if (!props.error) return null;
  const missing = props.error.status === 404 && props.error.message.startsWith('No route');
  return (
    <div className={`notice ${missing ? 'notice-info' : 'notice-error'}`} role={missing ? 'status' : 'alert'}>
      <strong>
        {missing ? `${props.what ?? 'This part'} is not available on this server yet.` : props.error.message}
      </strong>
      {!missing && props.error.problems.length > 1 ? (
        <ul>
          {props.error.problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <code>{p.path}</code> {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {props.onRetry && !missing ? (
        <Button variant="ghost" onClick={props.onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  success: 'good',
  active: 'good',
  ok: 'good',
  healthy: 'good',
  failed: 'bad',
  error: 'bad',
  expired: 'bad',
  down: 'bad',
  running: 'busy',
  pending: 'busy',
  waiting: 'busy',
  paused: 'warn',
  degraded: 'warn',
  cancelled: 'muted',
  skipped: 'muted',
  draft: 'muted',
  archived: 'muted',
  inactive: 'muted',
};

export function StatusBadge(props: { status: string | null | undefined }) {
  const status = props.status ?? 'unknown';
  return <span className={`badge badge-${STATUS_TONE[status] ?? 'muted'}`}>{status}</span>;
}

export function Json(props: { value: unknown; label?: string }) {
  if (props.value === undefined || props.value === null) return <p className="muted">—</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a long output scrolls, so the keyboard must reach it
    <pre className="json" title={props.label} tabIndex={0}>
      {typeof props.value === 'string' ? props.value : JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

export function Tabs<T extends string>(props: {
  tabs: { id: T; label: string }[];
  value: T;
  onChange: (id: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {props.tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === props.value}
          className={tab.id === props.value ? 'tab tab-on' : 'tab'}
          onClick={() => props.onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
