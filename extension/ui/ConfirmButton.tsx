// A destructive action: styled as one (red outline), and done only after a second, explicit
// "yes" beside a sentence saying what it cannot undo. Cancel (or Escape on the "yes") steps back.

import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../platform/browser.ts';

export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  warning: string;
  onConfirm: () => void;
  disabled?: boolean;
  ariaLabel?: string;
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  const answer = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) answer.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button
        type="button"
        class="danger-outline"
        disabled={props.disabled}
        aria-label={props.ariaLabel}
        data-testid={props.testId}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  return (
    <span class="confirm">
      <span class="notice warning" role="alert">
        {props.warning}
      </span>
      <button
        type="button"
        class="danger"
        // The question just appeared where the user clicked: the answer gets the focus.
        ref={answer}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setAsking(false);
        }}
        disabled={props.disabled}
        data-testid={props.testId ? `${props.testId}-confirm` : undefined}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}
