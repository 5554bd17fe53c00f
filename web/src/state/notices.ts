import { createSignal } from 'solid-js';

/** A message shown in the notice area: the result of an action, or why it failed. */
export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

const [notices, setNotices] = createSignal<Notice[]>([]);
let nextId = 1;

/** The notices on screen, newest last. */
export const currentNotices = notices;

/** Shows a notice; info notices go away after a while, errors stay until dismissed. */
export function notify(text: string, kind: Notice['kind'] = 'info'): void {
  const id = nextId++;
  setNotices((list) => [...list.slice(-4), { id, kind, text }]);
  if (kind === 'info') setTimeout(() => dismissNotice(id), 6_000);
}

export function dismissNotice(id: number): void {
  setNotices((list) => list.filter((n) => n.id !== id));
}
