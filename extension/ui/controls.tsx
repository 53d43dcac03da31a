// Small accessible building blocks shared by the extension pages: every control has a
// visible label, errors are announced (role="alert"), progress is a real <progress>.

import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'url' | 'number';
  name: string;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  inputMode?: 'numeric' | 'email' | 'url' | 'text';
  pattern?: string;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        // Preact narrows input attributes per type; the union is fine at runtime.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        autoComplete={props.autoComplete ?? 'off'}
        required={props.required}
        inputMode={props.inputMode}
        pattern={props.pattern}
        aria-describedby={hintId}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

export function TextArea(props: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  name: string;
  rows?: number;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 6}
        value={props.value}
        spellcheck={false}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </div>
  );
}

export function ErrorText(props: { message: string | null }) {
  return props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;
}

export function Notice(props: { children: ComponentChildren; tone?: 'info' | 'warning' }) {
  return (
    <div class={`notice ${props.tone ?? 'info'}`} role="status">
      {props.children}
    </div>
  );
}

export function Progress(props: { label: string; done: number; total: number }) {
  const id = useId();
  return (
    <div class="progress">
      <label for={id}>{props.label}</label>
      <progress id={id} max={props.total} value={props.done} />
    </div>
  );
}

/** Offers a text as a file download (backup, public key). */
export function download(fileName: string, contents: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([contents], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
