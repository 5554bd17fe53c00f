import type { SetStoreFunction } from 'solid-js/store';
import type { CampaignForm } from '../view/campaign-form.js';

/** What each section of the campaign editor gets: the form, its setter and the messages. */
export interface EditorSectionProps {
  form: CampaignForm;
  set: SetStoreFunction<CampaignForm>;
  /** Messages for a field or group key (`window.start`, `window`). */
  errors(key: string): readonly string[] | undefined;
}

type TextKey = {
  [K in keyof CampaignForm]: CampaignForm[K] extends string ? K : never;
}[keyof CampaignForm];

/**
 * The props that tie a text field to the form: `key` is the form's field, `name` the
 * API's path for it (`window.start`), under which its messages arrive.
 */
export function bindText(props: EditorSectionProps, key: TextKey, name: string) {
  const set = props.set as (key: TextKey, value: string) => void;
  return {
    name,
    get value() {
      return props.form[key];
    },
    onValue: (value: string) => set(key, value),
    get errors() {
      return props.errors(name);
    },
  };
}
