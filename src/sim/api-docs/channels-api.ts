import {
  type ApiDeclaration,
  pathParam,
  prop,
  queryParam,
  type SwaggerParameter,
  variablesBody,
} from './swagger.js';

const CHANNEL_ID = pathParam('channelId', "Channel's id.");
const NOT_FOUND = { code: 404, reason: 'Channel not found' };
const NOT_IN_STASIS = { code: 409, reason: 'Channel not in a Stasis application' };
const VARIABLES = variablesBody(
  'JSON body: {"variables": {"NAME": "value"}}. Other keys of the body count as query parameters.',
);

/** Parameters shared by the two originate operations (after the channel id). */
function originateParams(): SwaggerParameter[] {
  return [
    queryParam('endpoint', 'string', 'Endpoint to call: Local/<number>@<context>.', {
      required: true,
    }),
    queryParam('app', 'string', 'Stasis application the channel enters when answered.'),
    queryParam('appArgs', 'string', 'Comma-separated arguments of the StasisStart.'),
    queryParam('callerId', 'string', 'Caller id, e.g. "Name <number>".'),
    queryParam('timeout', 'int', 'Seconds to ring before giving up; -1 for no limit.', {
      defaultValue: 30,
    }),
    VARIABLES,
  ];
}

/** The `channels` resource as the simulator serves it. */
export const channelsApi: ApiDeclaration = {
  apiVersion: '2.0.0',
  swaggerVersion: '1.1',
  basePath: '',
  resourcePath: '/api-docs/channels.{format}',
  apis: [
    {
      path: '/channels',
      description: 'Live channels',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Lists live channels.',
          nickname: 'list',
          responseClass: 'List[Channel]',
        },
        {
          httpMethod: 'POST',
          summary: 'Originates a call into a Stasis application.',
          nickname: 'originate',
          responseClass: 'Channel',
          parameters: [
            ...originateParams(),
            queryParam('channelId', 'string', 'Id of the new channel (the ;1 half).'),
            queryParam('otherChannelId', 'string', 'Id of the ;2 half of a Local channel.'),
          ],
          errorResponses: [
            { code: 400, reason: 'Invalid parameters for originating a channel.' },
            { code: 409, reason: 'Channel with given unique ID already exists.' },
          ],
        },
      ],
    },
    {
      path: '/channels/create',
      description: 'Create a channel without dialing it',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Creates a channel in a Stasis application; dial it with /dial.',
          nickname: 'create',
          responseClass: 'Channel',
          parameters: [
            queryParam('endpoint', 'string', 'Endpoint: Local/<number>@<context>.', {
              required: true,
            }),
            queryParam('app', 'string', 'Stasis application the channel enters.', {
              required: true,
            }),
            queryParam('appArgs', 'string', 'Comma-separated arguments of the StasisStart.'),
            queryParam('channelId', 'string', 'Id of the new channel.'),
            queryParam('otherChannelId', 'string', 'Id of the ;2 half.'),
            VARIABLES,
          ],
          errorResponses: [{ code: 409, reason: 'Channel with given unique ID already exists.' }],
        },
      ],
    },
    {
      path: '/channels/{channelId}',
      description: 'One channel',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'A live channel.',
          nickname: 'get',
          responseClass: 'Channel',
          parameters: [CHANNEL_ID],
          errorResponses: [NOT_FOUND],
        },
        {
          httpMethod: 'POST',
          summary: 'Originates with the id in the path.',
          nickname: 'originateWithId',
          responseClass: 'Channel',
          parameters: [
            pathParam('channelId', 'Id of the new channel.'),
            ...originateParams(),
            queryParam('otherChannelId', 'string', 'Id of the ;2 half of a Local channel.'),
          ],
          errorResponses: [{ code: 409, reason: 'Channel with given unique ID already exists.' }],
        },
        {
          httpMethod: 'DELETE',
          summary: 'Hangs a channel up.',
          nickname: 'hangup',
          responseClass: 'void',
          parameters: [
            CHANNEL_ID,
            queryParam('reason_code', 'string', 'Q.850 cause code.'),
            queryParam('reason', 'string', 'Reason by name.', {
              allowableValues: {
                valueType: 'LIST',
                values: [
                  'normal',
                  'busy',
                  'congestion',
                  'no_answer',
                  'timeout',
                  'rejected',
                  'unallocated',
                  'normal_unspecified',
                  'number_incomplete',
                  'codec_mismatch',
                  'interworking',
                  'failure',
                  'answered_elsewhere',
                ],
              },
            }),
          ],
          errorResponses: [{ code: 400, reason: 'Invalid reason for hangup provided' }, NOT_FOUND],
        },
      ],
    },
    {
      path: '/channels/{channelId}/continue',
      description: 'Leave Stasis for the dialplan',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Continues the channel in the dialplan.',
          nickname: 'continueInDialplan',
          responseClass: 'void',
          parameters: [
            CHANNEL_ID,
            queryParam('context', 'string', 'Context to continue in.'),
            queryParam('extension', 'string', 'Extension to continue at.'),
            queryParam('priority', 'int', 'Priority to continue at.'),
          ],
          errorResponses: [NOT_FOUND, NOT_IN_STASIS],
        },
      ],
    },
    {
      path: '/channels/{channelId}/move',
      description: 'Move to another Stasis application',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Moves the channel to another Stasis application.',
          nickname: 'move',
          responseClass: 'void',
          parameters: [
            CHANNEL_ID,
            queryParam('app', 'string', 'Application to move to.', { required: true }),
            queryParam('appArgs', 'string', 'Comma-separated arguments of its StasisStart.'),
          ],
          errorResponses: [NOT_FOUND, NOT_IN_STASIS],
        },
      ],
    },
    {
      path: '/channels/{channelId}/play',
      description: 'Play media',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Plays media to the channel.',
          nickname: 'play',
          responseClass: 'Playback',
          parameters: [
            CHANNEL_ID,
            queryParam('media', 'string', 'Media URIs, e.g. sound:hello.', {
              required: true,
              allowMultiple: true,
            }),
            queryParam('lang', 'string', 'Language of the sounds.'),
            queryParam('playbackId', 'string', 'Id of the playback.'),
          ],
          errorResponses: [NOT_FOUND, NOT_IN_STASIS],
        },
      ],
    },
    {
      path: '/channels/{channelId}/play/{playbackId}',
      description: 'Play media with an id',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Plays media to the channel, with the playback id in the path.',
          nickname: 'playWithId',
          responseClass: 'Playback',
          parameters: [
            CHANNEL_ID,
            pathParam('playbackId', 'Id of the playback.'),
            queryParam('media', 'string', 'Media URIs, e.g. sound:hello.', {
              required: true,
              allowMultiple: true,
            }),
            queryParam('lang', 'string', 'Language of the sounds.'),
          ],
          errorResponses: [NOT_FOUND, NOT_IN_STASIS],
        },
      ],
    },
    {
      path: '/channels/{channelId}/variable',
      description: 'Channel variables',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Reads a channel variable or evaluates a dialplan function on the channel.',
          nickname: 'getChannelVar',
          responseClass: 'Variable',
          parameters: [
            CHANNEL_ID,
            queryParam('variable', 'string', 'Variable or function.', { required: true }),
          ],
          errorResponses: [
            { code: 400, reason: 'Missing variable parameter.' },
            { code: 404, reason: 'Channel or variable not found' },
          ],
        },
        {
          httpMethod: 'POST',
          summary: 'Sets a channel variable or writes a function such as TALK_DETECT(set).',
          nickname: 'setChannelVar',
          responseClass: 'void',
          parameters: [
            CHANNEL_ID,
            queryParam('variable', 'string', 'Variable or function.', { required: true }),
            queryParam('value', 'string', 'Value; empty when absent.'),
          ],
          errorResponses: [
            { code: 400, reason: 'Missing variable parameter.' },
            NOT_FOUND,
            NOT_IN_STASIS,
          ],
        },
      ],
    },
    {
      path: '/channels/{channelId}/dial',
      description: 'Dial a created channel',
      operations: [
        {
          httpMethod: 'POST',
          summary: 'Dials a channel made with /channels/create.',
          nickname: 'dial',
          responseClass: 'void',
          parameters: [
            CHANNEL_ID,
            queryParam('timeout', 'int', 'Seconds to ring before giving up.', { defaultValue: 0 }),
          ],
          errorResponses: [
            { code: 404, reason: 'Channel cannot be found.' },
            { code: 409, reason: 'Channel cannot be dialed.' },
          ],
        },
      ],
    },
  ],
  models: {
    DialplanCEP: {
      id: 'DialplanCEP',
      description: 'A dialplan location.',
      properties: {
        context: prop('string', 'Context.'),
        exten: prop('string', 'Extension.'),
        priority: prop('long', 'Priority.'),
        app_name: prop('string', 'Application running there.'),
        app_data: prop('string', 'Its arguments.'),
      },
    },
    CallerID: {
      id: 'CallerID',
      description: 'A caller id.',
      properties: { name: prop('string', 'Name.'), number: prop('string', 'Number.') },
    },
    Channel: {
      id: 'Channel',
      description: 'A channel snapshot.',
      properties: {
        id: prop('string', 'Unique id.'),
        protocol_id: prop('string', 'Protocol id (empty for Local channels).'),
        name: prop('string', 'Channel name.'),
        state: {
          type: 'string',
          description: 'Channel state.',
          required: true,
          allowableValues: {
            valueType: 'LIST',
            values: [
              'Down',
              'Rsrved',
              'OffHook',
              'Dialing',
              'Ring',
              'Ringing',
              'Up',
              'Busy',
              'Dialing Offhook',
              'Pre-ring',
              'Unknown',
            ],
          },
        },
        caller: prop('CallerID', 'Caller.'),
        connected: prop('CallerID', 'Connected line.'),
        accountcode: prop('string', 'Account code.'),
        dialplan: prop('DialplanCEP', 'Where the channel is in the dialplan.'),
        creationtime: prop('Date', 'When the channel was created.'),
        language: prop('string', 'Default language.'),
      },
    },
  },
};
