import { type ApiDeclaration, prop, queryParam, type SwaggerModel } from './swagger.js';

const CHANNEL = prop('Channel', 'The channel.');
const PLAYBACK = prop('Playback', 'The playback.');

/** An event model: ari-client looks every received `type` up among these. */
function event(
  id: string,
  description: string,
  properties: SwaggerModel['properties'] = {},
): SwaggerModel {
  return { id, description, properties };
}

// Every event type the simulator sends must have a model: ari-client throws on an
// event whose type it cannot find.
const EVENT_MODELS: SwaggerModel[] = [
  event('ApplicationReplaced', 'Another websocket took the application over.'),
  event('ApplicationMoveFailed', 'A move to another application failed.', {
    channel: CHANNEL,
    destination: prop('string', 'The application asked for.'),
    args: prop('List[string]', 'The arguments asked for.'),
  }),
  event('ChannelCallerId', 'Caller id changed.', {
    caller_presentation: prop('int', 'Presentation value.'),
    caller_presentation_txt: prop('string', 'Presentation as text.'),
    channel: CHANNEL,
  }),
  event('ChannelConnectedLine', 'Connected line changed.', { channel: CHANNEL }),
  event('ChannelDestroyed', 'The channel is gone.', {
    cause: prop('int', 'Q.850 cause.'),
    cause_txt: prop('string', 'Cause as text.'),
    channel: CHANNEL,
  }),
  event('ChannelDialplan', 'The channel moved in the dialplan.', {
    channel: CHANNEL,
    dialplan_app: prop('string', 'Application about to run.'),
    dialplan_app_data: prop('string', 'Its arguments.'),
  }),
  event('ChannelDtmfReceived', 'A DTMF digit ended.', {
    digit: prop('string', 'The digit.'),
    duration_ms: prop('int', 'How long it was held.'),
    channel: CHANNEL,
  }),
  event('ChannelHangupRequest', 'A hangup was asked for.', {
    cause: prop('int', 'Cause, or the soft-hangup flag.', false),
    soft: prop('boolean', 'Whether it was a soft hangup.', false),
    channel: CHANNEL,
  }),
  event('ChannelStateChange', 'The channel state changed.', { channel: CHANNEL }),
  event('ChannelTalkingStarted', 'Talking was detected.', { channel: CHANNEL }),
  event('ChannelTalkingFinished', 'Talking stopped.', {
    channel: CHANNEL,
    duration: prop('int', 'Talk time in ms.'),
  }),
  event('ChannelUserevent', 'A dialplan UserEvent().', {
    eventname: prop('string', 'Event name.'),
    channel: prop('Channel', 'The channel.', false),
    userevent: prop('object', 'The event fields.'),
  }),
  event('ChannelVarset', 'A variable was set.', {
    variable: prop('string', 'Name.'),
    value: prop('string', 'Value.'),
    channel: prop('Channel', 'The channel (none for globals).', false),
  }),
  event('Dial', 'Dialing state changed.', {
    peer: prop('Channel', 'The dialed channel.'),
    forward: prop('string', 'Forward target.', false),
    dialstring: prop('string', 'Dial string.', false),
    dialstatus: prop('string', 'Dial status.'),
  }),
  event('PlaybackStarted', 'A playback started.', { playback: PLAYBACK }),
  event('PlaybackContinuing', 'A playback went on to its next media.', { playback: PLAYBACK }),
  event('PlaybackFinished', 'A playback finished (state done or failed).', { playback: PLAYBACK }),
  event('StasisStart', 'A channel entered the application.', {
    args: prop('List[string]', 'Application arguments.'),
    channel: CHANNEL,
  }),
  event('StasisEnd', 'A channel left the application.', { channel: CHANNEL }),
];

/** The `events` resource (the websocket) as the simulator serves it. */
export const eventsApi: ApiDeclaration = {
  apiVersion: '2.0.0',
  swaggerVersion: '1.2',
  basePath: '',
  resourcePath: '/api-docs/events.{format}',
  apis: [
    {
      path: '/events',
      description: 'Events to applications',
      operations: [
        {
          httpMethod: 'GET',
          upgrade: 'websocket',
          websocketProtocol: 'ari',
          summary: 'WebSocket of events for the applications named.',
          nickname: 'eventWebsocket',
          responseClass: 'Message',
          parameters: [
            queryParam('app', 'string', 'Applications to register.', {
              required: true,
              allowMultiple: true,
            }),
            queryParam('subscribeAll', 'boolean', 'Accepted and ignored by the simulator.'),
          ],
        },
      ],
    },
  ],
  models: {
    Message: {
      id: 'Message',
      description: 'Base of events and errors.',
      discriminator: 'type',
      properties: {
        type: prop('string', 'Message type.'),
        asterisk_id: prop('string', 'Asterisk id.', false),
      },
      subTypes: ['MissingParams', 'Event'],
    },
    MissingParams: event('MissingParams', 'Required parameters were missing.', {
      params: prop('List[string]', 'The missing parameters.'),
    }),
    Event: {
      id: 'Event',
      description: 'Base of events.',
      properties: {
        application: prop('string', 'The application receiving the event.'),
        timestamp: prop('Date', 'When the event happened.'),
      },
      subTypes: EVENT_MODELS.map((model) => model.id),
    },
    ...Object.fromEntries(EVENT_MODELS.map((model) => [model.id, model])),
  },
};
