import type { ApiType } from 'dialstate-api';
import type { ExtractSchema } from 'hono/types';
import type { SuccessStatusCode } from 'hono/utils/http-status';

/**
 * The API's routes as the server declares them (`ApiType` from src/http/app.ts): paths
 * relative to `/api`, each method's input (param, query, json) and outputs by status.
 *
 * The UI calls them through `request` (api.ts) rather than through `hc`'s proxy client: a
 * route family declared with a `/{id}/${string}` path (the campaign actions) makes the
 * proxy's path tree swallow its literal siblings (`stats`, `status`), while indexing the
 * schema by the literal path keeps every route's exact types.
 */
export type ApiSchema = ExtractSchema<ApiType>;
/** The HTTP methods as the schema names them. */
export type Method = '$get' | '$post' | '$put' | '$patch' | '$delete';

type InputOf<E> = E extends { input: infer I } ? I : never;
type OkOutput<E> = E extends { output: infer O; status: infer S }
  ? S extends SuccessStatusCode
    ? O
    : never
  : never;

/** The success body of `method path` (what a 2xx answer holds). */
export type ApiOutput<P extends keyof ApiSchema, M extends keyof ApiSchema[P]> = OkOutput<
  ApiSchema[P][M]
>;
/** The parameters of `method path`: `{ param, query, json }` as the route validates them. */
export type ApiInput<P extends keyof ApiSchema, M extends keyof ApiSchema[P]> = InputOf<
  ApiSchema[P][M]
>;

export type Campaign = ApiOutput<'/campaigns/:id', '$get'>;
export type CampaignStats = ApiOutput<'/campaigns/:id/stats', '$get'>;
export type DialingStatus = ApiOutput<'/campaigns/:id/status', '$get'>;
export type CampaignAction = Campaign['availableActions'][number];
/** Every setting of a campaign (what the editor edits). */
export type CampaignSettings = Omit<
  Campaign,
  'id' | 'status' | 'statusReason' | 'availableActions' | 'createdAt' | 'updatedAt'
>;

export type LeadPage = ApiOutput<'/campaigns/:id/leads', '$get'>;
export type Lead = ApiOutput<'/leads/:id', '$get'>;
export type LeadState = Lead['state'];
export type LeadListQuery = NonNullable<ApiInput<'/campaigns/:id/leads', '$get'>['query']>;
export type Attempt = ApiOutput<'/leads/:id/attempts', '$get'>['attempts'][number];
export type AttemptTimeline = ApiOutput<'/attempts/:id/timeline', '$get'>;
export type ImportReport = Extract<
  ApiOutput<'/campaigns/:id/leads/import', '$post'>,
  { counts: unknown }
>;
export type ImportAccepted = Exclude<
  ApiOutput<'/campaigns/:id/leads/import', '$post'>,
  { counts: unknown }
>;
export type ImportStatus = ApiOutput<'/imports/:id', '$get'>;
export type Recording = ApiOutput<'/recordings', '$get'>['recordings'][number];
export type DncPage = ApiOutput<'/dnc', '$get'>;
export type SetupDialplan = ApiOutput<'/setup/dialplan', '$get'>;
export type SetupChecks = ApiOutput<'/setup/checks', '$get'>;
