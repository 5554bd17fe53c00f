import { type Lead, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { confirmAction } from '../state/confirm.js';
import { notify } from '../state/notices.js';

const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled']);

/** One thing an operator may do with a lead in its current state. */
export interface LeadOperation {
  /** What a button or menu item says: `Redial`. */
  label: string;
  /** The label with the lead it acts on (`Redial Lead 7`): the accessible name. */
  name: string;
  /** Drawn in the danger colour: it hangs up a call or deletes. */
  danger: boolean;
  /** Asks for confirmation where the operation needs one, then does it and says so. */
  run(): Promise<void>;
}

/** What the table or page showing the lead does once an operation has changed it. */
export interface LeadOperationHandlers {
  onChanged(lead: Lead): void;
  onDeleted(id: string): void;
}

/**
 * What may be done with `lead` in its state: cancel its live call, ignore it while
 * pending, redial or reset it once finished, delete it when no call is live. Hanging up,
 * resetting and deleting ask first (they lose a call or history); redial and ignore do not.
 */
export function leadOperations(lead: Lead, handlers: LeadOperationHandlers): LeadOperation[] {
  const who = lead.name ?? lead.phone;
  const id = { param: { id: lead.id } };

  const operation = (
    label: string,
    call: () => Promise<{ lead: Lead } | undefined>,
    options: { danger?: boolean; confirm?: { title: string; message: string } } = {},
  ): LeadOperation => ({
    label,
    name: `${label} ${who}`,
    danger: options.danger ?? false,
    async run() {
      if (options.confirm) {
        const answer = await confirmAction({
          ...options.confirm,
          confirmLabel: label,
          danger: true,
        });
        if (!answer.confirmed) return;
      }
      try {
        const result = await call();
        if (result === undefined) handlers.onDeleted(lead.id);
        else handlers.onChanged(result.lead);
        notify(`${label}: ${who}`);
      } catch (error) {
        notify(`${label} ${who} failed: ${describeFailure(error)}`, 'error');
      }
    },
  });

  const operations: LeadOperation[] = [];
  if (lead.state === 'dialing') {
    operations.push(
      operation('Cancel call', () => request('$post', '/leads/:id/cancel', id), {
        danger: true,
        confirm: {
          title: `Hang up on ${who}?`,
          message: 'The live call is hung up and the lead is not dialed again.',
        },
      }),
    );
  }
  if (lead.state === 'pending') {
    operations.push(operation('Ignore', () => request('$post', '/leads/:id/ignore', id)));
  }
  if (FINISHED.has(lead.state)) {
    operations.push(
      operation('Redial', () =>
        request('$post', '/leads/:id/recycle', { ...id, json: { mode: 'redial' } }),
      ),
      operation(
        'Reset',
        () => request('$post', '/leads/:id/recycle', { ...id, json: { mode: 'reset' } }),
        {
          confirm: {
            title: `Reset ${who}?`,
            message: 'Its call history is deleted and it is dialed again as if new.',
          },
        },
      ),
    );
  }
  if (lead.state !== 'dialing') {
    operations.push(
      operation(
        'Delete',
        async () => {
          await request('$delete', '/leads/:id', id);
          return undefined;
        },
        {
          danger: true,
          confirm: {
            title: `Delete ${who}?`,
            message: 'The lead and its call history are deleted. This cannot be undone.',
          },
        },
      ),
    );
  }
  return operations;
}
