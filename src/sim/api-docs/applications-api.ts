import { type ApiDeclaration, pathParam, prop } from './swagger.js';

/** The `applications` resource as the simulator serves it. */
export const applicationsApi: ApiDeclaration = {
  apiVersion: '2.0.0',
  swaggerVersion: '1.1',
  basePath: '',
  resourcePath: '/api-docs/applications.{format}',
  apis: [
    {
      path: '/applications',
      description: 'Stasis applications',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Lists the applications with a connected websocket.',
          nickname: 'list',
          responseClass: 'List[Application]',
        },
      ],
    },
    {
      path: '/applications/{applicationName}',
      description: 'One Stasis application',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Details of an application.',
          nickname: 'get',
          responseClass: 'Application',
          parameters: [pathParam('applicationName', 'Application name.')],
          errorResponses: [{ code: 404, reason: 'Application not found.' }],
        },
      ],
    },
  ],
  models: {
    Application: {
      id: 'Application',
      description: 'A Stasis application.',
      properties: {
        name: prop('string', 'Name.'),
        channel_ids: prop('List[string]', 'Channels the application follows.'),
        bridge_ids: prop('List[string]', 'Bridges the application follows.'),
        endpoint_ids: prop('List[string]', 'Endpoints the application follows.'),
        device_names: prop('List[string]', 'Device states the application follows.'),
        events_allowed: prop('List[object]', 'Event filter: allowed.'),
        events_disallowed: prop('List[object]', 'Event filter: disallowed.'),
      },
    },
  },
};
