import type { Context, Hono } from 'hono';
import { ariOk } from './ari-result.js';
import type { SimPbx } from './sim-pbx.js';
import { type AriParams, readAriParams, sendAriResult, textParam } from './sim-rest-io.js';

/** Registers the `/ari/channels` operations the simulator serves. */
export function registerChannelRoutes(app: Hono, pbx: SimPbx): void {
  const withParams =
    (handle: (c: Context, params: AriParams) => Response) => async (c: Context) => {
      const params = await readAriParams(c);
      return params.ok ? handle(c, params.value) : sendAriResult(c, params);
    };
  const originateParams = (params: AriParams, channelId?: string) => ({
    endpoint: textParam(params, 'endpoint'),
    app: textParam(params, 'app'),
    appArgs: textParam(params, 'appArgs'),
    channelId: channelId ?? textParam(params, 'channelId'),
    otherChannelId: textParam(params, 'otherChannelId'),
    callerId: textParam(params, 'callerId'),
    timeout: textParam(params, 'timeout'),
    variables: params.variables,
  });
  const id = (c: Context) => c.req.param('channelId') ?? '';
  const media = (params: AriParams) =>
    (textParam(params, 'media') ?? '').split(',').filter((uri) => uri !== '');

  app.get('/ari/channels', (c) => sendAriResult(c, ariOk(pbx.list())));
  app.post(
    '/ari/channels',
    withParams((c, params) => sendAriResult(c, pbx.originate(originateParams(params)))),
  );
  app.post(
    '/ari/channels/create',
    withParams((c, params) => sendAriResult(c, pbx.create(originateParams(params)))),
  );
  app.get('/ari/channels/:channelId', (c) => sendAriResult(c, pbx.get(id(c))));
  app.post(
    '/ari/channels/:channelId',
    withParams((c, params) => sendAriResult(c, pbx.originate(originateParams(params, id(c))))),
  );
  app.delete(
    '/ari/channels/:channelId',
    withParams((c, params) =>
      sendAriResult(
        c,
        pbx.hangup(id(c), textParam(params, 'reason_code'), textParam(params, 'reason')),
      ),
    ),
  );
  app.post(
    '/ari/channels/:channelId/continue',
    withParams((c, params) => {
      const priority = textParam(params, 'priority');
      return sendAriResult(
        c,
        pbx.continueInDialplan(id(c), {
          context: textParam(params, 'context'),
          extension: textParam(params, 'extension'),
          priority: priority === undefined || priority === '' ? undefined : Number(priority),
        }),
      );
    }),
  );
  app.post(
    '/ari/channels/:channelId/move',
    withParams((c, params) =>
      sendAriResult(c, pbx.move(id(c), textParam(params, 'app'), textParam(params, 'appArgs'))),
    ),
  );
  app.post(
    '/ari/channels/:channelId/play',
    withParams((c, params) =>
      sendAriResult(
        c,
        pbx.play(id(c), {
          media: media(params),
          playbackId: textParam(params, 'playbackId'),
          lang: textParam(params, 'lang'),
        }),
        201,
      ),
    ),
  );
  app.post(
    '/ari/channels/:channelId/play/:playbackId',
    withParams((c, params) =>
      sendAriResult(
        c,
        pbx.play(id(c), {
          media: media(params),
          playbackId: c.req.param('playbackId') ?? '',
          lang: textParam(params, 'lang'),
        }),
        201,
      ),
    ),
  );
  app.get(
    '/ari/channels/:channelId/variable',
    withParams((c, params) => {
      const value = pbx.getVariable(id(c), textParam(params, 'variable'));
      return sendAriResult(c, value.ok ? ariOk({ value: value.value }) : value);
    }),
  );
  app.post(
    '/ari/channels/:channelId/variable',
    withParams((c, params) =>
      sendAriResult(
        c,
        pbx.setVariable(id(c), textParam(params, 'variable'), textParam(params, 'value')),
      ),
    ),
  );
  app.post(
    '/ari/channels/:channelId/dial',
    withParams((c, params) => sendAriResult(c, pbx.dial(id(c), textParam(params, 'timeout')))),
  );
}
