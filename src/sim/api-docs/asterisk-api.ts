import { type ApiDeclaration, pathParam, prop, queryParam } from './swagger.js';

/** The `asterisk` resource as the simulator serves it. */
export const asteriskApi: ApiDeclaration = {
  apiVersion: '2.0.0',
  swaggerVersion: '1.1',
  basePath: '',
  resourcePath: '/api-docs/asterisk.{format}',
  apis: [
    {
      path: '/asterisk/info',
      description: 'System information',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Information about the (simulated) Asterisk.',
          nickname: 'getInfo',
          responseClass: 'AsteriskInfo',
          parameters: [
            queryParam('only', 'string', 'Sections to return: build, system, config, status.', {
              allowMultiple: true,
              allowableValues: {
                valueType: 'LIST',
                values: ['build', 'system', 'config', 'status'],
              },
            }),
          ],
        },
      ],
    },
    {
      path: '/asterisk/ping',
      description: 'Liveness',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Answers pong.',
          nickname: 'ping',
          responseClass: 'AsteriskPing',
        },
      ],
    },
    {
      path: '/asterisk/modules',
      description: 'Loaded modules',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Lists the loaded modules.',
          nickname: 'listModules',
          responseClass: 'List[Module]',
        },
      ],
    },
    {
      path: '/asterisk/modules/{moduleName}',
      description: 'One module',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Details of a loaded module.',
          nickname: 'getModule',
          responseClass: 'Module',
          parameters: [pathParam('moduleName', 'Module name, e.g. app_amd.so.')],
          errorResponses: [{ code: 404, reason: 'Module not loaded.' }],
        },
      ],
    },
    {
      path: '/asterisk/variable',
      description: 'Global variables',
      operations: [
        {
          httpMethod: 'GET',
          summary: 'Reads a global variable (dialplan functions are not evaluated here).',
          nickname: 'getGlobalVar',
          responseClass: 'Variable',
          parameters: [queryParam('variable', 'string', 'Variable name.', { required: true })],
          errorResponses: [{ code: 400, reason: 'Missing variable parameter.' }],
        },
      ],
    },
  ],
  models: {
    BuildInfo: {
      id: 'BuildInfo',
      description: 'How Asterisk was built.',
      properties: {
        os: prop('string', 'Operating system.'),
        kernel: prop('string', 'Kernel version.'),
        options: prop('string', 'Compile options.'),
        machine: prop('string', 'Architecture.'),
        date: prop('string', 'Build date.'),
        user: prop('string', 'Build user.'),
      },
    },
    SystemInfo: {
      id: 'SystemInfo',
      description: 'The running system.',
      properties: {
        version: prop('string', 'Asterisk version.'),
        entity_id: prop('string', 'Entity id.'),
      },
    },
    SetId: {
      id: 'SetId',
      description: 'User and group Asterisk runs as.',
      properties: { user: prop('string', 'User.'), group: prop('string', 'Group.') },
    },
    ConfigInfo: {
      id: 'ConfigInfo',
      description: 'Asterisk configuration.',
      properties: {
        name: prop('string', 'System name.'),
        default_language: prop('string', 'Default language.'),
        setid: prop('SetId', 'User and group.'),
      },
    },
    StatusInfo: {
      id: 'StatusInfo',
      description: 'Asterisk status.',
      properties: {
        startup_time: prop('Date', 'When Asterisk started.'),
        last_reload_time: prop('Date', 'When it last reloaded.'),
      },
    },
    AsteriskInfo: {
      id: 'AsteriskInfo',
      description: 'System information.',
      properties: {
        build: prop('BuildInfo', 'Build.', false),
        system: prop('SystemInfo', 'System.', false),
        config: prop('ConfigInfo', 'Configuration.', false),
        status: prop('StatusInfo', 'Status.', false),
      },
    },
    AsteriskPing: {
      id: 'AsteriskPing',
      description: 'A ping answer.',
      properties: {
        asterisk_id: prop('string', 'Asterisk id.'),
        ping: prop('string', 'Always pong.'),
        timestamp: prop('string', 'When the ping was answered.'),
      },
    },
    Module: {
      id: 'Module',
      description: 'A loaded module.',
      properties: {
        name: prop('string', 'File name.'),
        description: prop('string', 'What it does.'),
        use_count: prop('int', 'Users of the module.'),
        status: prop('string', 'Running status.'),
        support_level: prop('string', 'Support level.'),
      },
    },
    Variable: {
      id: 'Variable',
      description: 'A variable value.',
      properties: { value: prop('string', 'The value.') },
    },
  },
};
