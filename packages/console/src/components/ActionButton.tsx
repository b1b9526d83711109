// A button that starts an operator action (useAction's run); red when it removes or ends something.

export function ActionButton({
  label,
  danger = false,
  disabled,
  onClick,
}: {
  label: string;
  danger?: boolean;
  disabled: boolean;
  onClick: () => Promise<unknown>;
}) {
  return (
    <button type="button" className={danger ? 'danger' : undefined} disabled={disabled} onClick={() => void onClick()}>
      {label}
    </button>
  );
}
