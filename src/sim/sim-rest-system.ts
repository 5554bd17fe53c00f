import type { Hono } from 'hono';
import { ariError, ariOk } from './ari-result.js';
import { asteriskInfo, moduleInfo } from './sim-asterisk-info.js';
import type { SimPbx } from './sim-pbx.js';
import { sendAriResult } from './sim-rest-io.js';

export interface SystemRoutesDeps {
  pbx: SimPbx;
  asteriskId: string;
  startedAt: number;
  modules: readonly string[];
  /** The current time as an Asterisk timestamp. */
  timestamp: () => string;
}

/** Registers `/ari/asterisk`, `/ari/applications` and `/ari/playbacks` (fact 18). */
export function registerSystemRoutes(app: Hono, deps: SystemRoutesDeps): void {
  const { pbx } = deps;

  app.get('/ari/asterisk/ping', (c) =>
    sendAriResult(
      c,
      ariOk({ ping: 'pong', timestamp: deps.timestamp(), asterisk_id: deps.asteriskId }),
    ),
  );
  app.get('/ari/asterisk/info', (c) => {
    const only = (c.req.queries('only') ?? []).flatMap((value) => value.split(',')).filter(Boolean);
    return sendAriResult(c, ariOk(asteriskInfo(deps, only)));
  });
  app.get('/ari/asterisk/modules', (c) => sendAriResult(c, ariOk(deps.modules.map(moduleInfo))));
  app.get('/ari/asterisk/modules/:moduleName', (c) => {
    const name = c.req.param('moduleName');
    return sendAriResult(
      c,
      deps.modules.includes(name)
        ? ariOk(moduleInfo(name))
        : ariError(404, 'Module could not be found in running modules'),
    );
  });
  app.get('/ari/asterisk/variable', (c) => {
    const name = c.req.query('variable');
    if (!name) return sendAriResult(c, ariError(400, 'Variable name is required'));
    // Global variables only: dialplan functions are not evaluated here, so
    // DIALPLAN_EXISTS(...) reads as empty whatever the context (fact 18).
    if (name.includes('(')) return sendAriResult(c, ariOk({ value: '' }));
    return sendAriResult(c, ariError(404, 'Provided variable was not found'));
  });

  app.get('/ari/applications', (c) => sendAriResult(c, ariOk(pbx.applications())));
  app.get('/ari/applications/:applicationName', (c) =>
    sendAriResult(c, pbx.application(c.req.param('applicationName'))),
  );

  app.get('/ari/playbacks/:playbackId', (c) =>
    sendAriResult(c, pbx.playback(c.req.param('playbackId'))),
  );
  app.delete('/ari/playbacks/:playbackId', (c) =>
    sendAriResult(c, pbx.stopPlayback(c.req.param('playbackId'))),
  );
}
