import { type ApiDeclaration, pathParam, prop } from './swagger.js';

/** The `playbacks` resource as the simulator serves it. */
export const playbacksApi: ApiDeclaration = {
  apiVersion: '2.0.0',
  swaggerVersion: '1.1',
  basePath: '',
  resourcePath: '/api-docs/playbacks.{format}',
  apis: [
    {
      path: '/playbacks/{playbackId}',
      description: 'A playback',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'A queued or playing playback; finished ones are gone.',
          nickname: 'get',
          responseClass: 'Playback',
          parameters: [pathParam('playbackId', 'Playback id.')],
          errorResponses: [{ code: 404, reason: 'Playback not found.' }],
        },
        {
          httpMethod: 'DELETE',
          summary: 'Stops a playback.',
          nickname: 'stop',
          responseClass: 'void',
          parameters: [pathParam('playbackId', 'Playback id.')],
          errorResponses: [{ code: 404, reason: 'Playback not found.' }],
        },
      ],
    },
  ],
  models: {
    Playback: {
      id: 'Playback',
      description: 'Media playing to a channel.',
      properties: {
        id: prop('string', 'Playback id.'),
        media_uri: prop('string', 'The media playing now.'),
        next_media_uri: prop('string', 'The media after it, for a list.', false),
        target_uri: prop('string', 'channel:<id>.'),
        language: { type: 'string', description: 'Language of the sound.' },
        state: {
          type: 'string',
          description: 'Playback state.',
          required: true,
          allowableValues: {
            valueType: 'LIST',
            values: ['queued', 'playing', 'continuing', 'done', 'failed'],
          },
        },
      },
    },
  },
};
