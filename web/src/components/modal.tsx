import { type ReactNode, useEffect, useRef } from 'react';

/** A native dialog: focus is trapped by the browser and Escape closes it. */
export function Modal(props: {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={`modal${props.wide ? ' modal-wide' : ''}`}
      aria-label={props.title}
      onClose={props.onClose}
      onCancel={props.onClose}
    >
      {props.open ? (
        <>
          <div className="modal-head">
            <h2>{props.title}</h2>
            <button type="button" className="icon-btn" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </div>
          <div className="modal-body">{props.children}</div>
        </>
      ) : null}
    </dialog>
  );
}
