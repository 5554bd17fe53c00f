import { createSignal } from 'solid-js';

/** What a confirmation asks. An optional checkbox lets the operator pick a variant. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  option?: { label: string; checked: boolean };
}

export interface ConfirmAnswer {
  confirmed: boolean;
  /** The checkbox's final state, when the request had one. */
  option: boolean;
}

interface Pending extends ConfirmRequest {
  resolve(answer: ConfirmAnswer): void;
}

const [pending, setPending] = createSignal<Pending | null>(null);

/** The confirmation on screen, for the dialog component. */
export const pendingConfirm = pending;

/** Asks the operator to confirm; resolves when they answer (Escape or Cancel is no). */
export function confirmAction(request: ConfirmRequest): Promise<ConfirmAnswer> {
  pending()?.resolve({ confirmed: false, option: false });
  return new Promise((resolve) =>
    setPending({
      ...request,
      resolve: (answer) => {
        setPending(null);
        resolve(answer);
      },
    }),
  );
}
