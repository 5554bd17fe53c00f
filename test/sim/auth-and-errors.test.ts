import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_MODULES, SIMULATED_VERSION } from '../../src/sim/sim-asterisk-info.js';
import { createSimulator, type Simulator } from '../../src/sim/simulator.js';
import { type AriRest, ariRest, EventRecorder } from './support/ari-recorder.js';
import { loadTrace } from './support/real-ari.js';

const AUTH_REQUIRED = { message: 'Authentication required' };

/** The HTTP status a websocket upgrade is refused with, or 101 when it opens. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

/** The real answer to a request of checks.jsonl, found by path and query. */
function checksAnswer(path: string, variable?: string): { status?: number; body?: unknown } {
  const lines = loadTrace('checks');
  const request = lines.find(
    (line) =>
      line.dir === 'request' &&
      line.msg.path === path &&
      (variable === undefined || line.msg.query?.variable === variable),
  );
  const response = lines.find((line) => line.dir === 'response' && line.id === request?.id);
  return { status: response?.msg.status, body: response?.msg.body };
}

describe('simulator authentication, errors and doctor checks', () => {
  let sim: Simulator;
  let url: string;
  let rest: AriRest;

  beforeAll(async () => {
    sim = createSimulator({ user: 'dialstate', password: 'secret', timeScale: 0.01 });
    ({ url } = await sim.start());
    rest = ariRest(url);
  });

  afterAll(() => sim.stop());

  it('answers 401 with the real message for a wrong password, no credentials, and the api-docs', async () => {
    const wrong = await ariRest(url, 'dialstate', 'nope').get('/asterisk/info');
    expect({ status: wrong.status, body: wrong.body }).toEqual({
      status: 401,
      body: AUTH_REQUIRED,
    });
    expect(checksAnswer('/ari/asterisk/info').status).toBe(200);
    const anonymous = await fetch(`${url}/ari/api-docs/resources.json`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual(AUTH_REQUIRED);
    const viaApiKey = await fetch(`${url}/ari/asterisk/ping?api_key=dialstate:secret`);
    expect(viaApiKey.status).toBe(200);
  });

  it('refuses a websocket without the right api_key and accepts Basic credentials', async () => {
    const ws = url.replace(/^http/, 'ws');
    expect(await upgradeStatus(`${ws}/ari/events?app=x&api_key=dialstate:wrong`)).toBe(401);
    expect(await upgradeStatus(`${ws}/ari/events?app=x`)).toBe(401);
    const basic = `Basic ${Buffer.from('dialstate:secret').toString('base64')}`;
    expect(await upgradeStatus(`${ws}/ari/events?app=x`, { authorization: basic })).toBe(101);
  });

  it('sends nothing when a websocket connects', async () => {
    const recorder = await EventRecorder.connect(url, 'quiet');
    await recorder.flush();
    expect(recorder.events).toEqual([]);
    recorder.close();
  });

  it('sends exactly one ApplicationReplaced to the older socket, then nothing more', async () => {
    const older = await EventRecorder.connect(url, 'taken');
    const newer = await EventRecorder.connect(url, 'taken');
    await older.waitFor((e) => e.type === 'ApplicationReplaced');
    await rest.post('/channels', {
      endpoint: 'Local/5550107@from-internal',
      app: 'taken',
      channelId: 'replaced-1',
    });
    await newer.waitFor((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'replaced-1;2');
    expect(older.events).toEqual([
      {
        type: 'ApplicationReplaced',
        timestamp: expect.any(String),
        application: 'taken',
        asterisk_id: expect.any(String),
      },
    ]);
    older.close();
    newer.close();
  });

  it('answers the doctor checks as checks.jsonl shows', async () => {
    const ping = await rest.get('/asterisk/ping');
    expect(ping.body).toEqual({
      ping: 'pong',
      timestamp: expect.stringMatching(/\+0000$/),
      asterisk_id: expect.any(String),
    });
    const info = await rest.get('/asterisk/info');
    expect(info.body).toMatchObject({ system: { version: '22.10.1' } });
    for (const [path, variable] of [
      ['/ari/asterisk/modules/app_amd.so'],
      ['/ari/asterisk/modules/app_no_such_module.so'],
      ['/ari/asterisk/variable', 'DIALPLAN_EXISTS(aava-outbound-amd,s,1)'],
      ['/ari/asterisk/variable', 'DIALPLAN_EXISTS(no-such-context,s,1)'],
      ['/ari/applications/no-such-app'],
    ] as Array<[string, string?]>) {
      const ours = await rest.get(
        path.replace(/^\/ari/, ''),
        variable === undefined ? {} : { variable },
      );
      expect({ path, variable, status: ours.status, body: ours.body }).toEqual({
        path,
        variable,
        ...checksAnswer(path, variable),
      });
    }
    const recorder = await EventRecorder.connect(url, 'doctor');
    const apps = await rest.get('/applications/doctor');
    expect(apps.body).toEqual({
      name: 'doctor',
      channel_ids: [],
      bridge_ids: [],
      endpoint_ids: [],
      device_names: [],
      events_allowed: [],
      events_disallowed: [],
    });
    await rest.post(
      '/channels',
      {
        endpoint: 'Local/5550101@from-internal',
        app: 'doctor',
        appArgs: 'dial,checks-1',
        channelId: 'checks-1',
        otherChannelId: 'checks-1;2',
      },
      { variables: { __DIALSTATE_ATTEMPT_ID: 'checks-1' } },
    );
    await recorder.waitFor((e) => e.type === 'StasisStart');
    const live = await rest.get('/channels');
    expect((live.body as Array<{ id: string }>).map((c) => c.id)).toEqual([
      'checks-1',
      'checks-1;2',
    ]);
    const variable = async (name: string) =>
      (await rest.get('/channels/checks-1/variable', { variable: name })).body;
    expect(await variable('DIALPLAN_EXISTS(aava-outbound-amd,s,1)')).toEqual({ value: '1' });
    expect(await variable('DIALPLAN_EXISTS(no-such-context,s,1)')).toEqual({ value: '0' });
    expect(await variable('DIALSTATE_ATTEMPT_ID')).toEqual({ value: 'checks-1' });
    expect(await variable('NO_SUCH_VARIABLE')).toEqual({
      message: 'Provided variable was not found',
    });
    expect((await rest.delete('/channels/checks-1')).status).toBe(204);
    const gone = { status: 404, body: { message: 'Channel not found' } };
    expect(
      await rest.get('/channels/checks-1').then(({ status, body }) => ({ status, body })),
    ).toEqual(gone);
    expect(
      await rest.delete('/channels/checks-1').then(({ status, body }) => ({ status, body })),
    ).toEqual(gone);
    expect((await rest.get('/channels')).body).toEqual([]);
    recorder.close();
  });

  it('reports a module that is not loaded when configured without it', async () => {
    const withoutAmd = createSimulator({
      user: 'dialstate',
      password: 'secret',
      modules: DEFAULT_MODULES.filter((name) => name !== 'app_amd.so'),
    });
    const { url: otherUrl } = await withoutAmd.start();
    const answer = await ariRest(otherUrl).get('/asterisk/modules/app_amd.so');
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 404,
      body: { message: 'Module could not be found in running modules' },
    });
    await withoutAmd.stop();
  });

  it('refuses operations on channels that are gone or not in Stasis, and unknown playbacks', async () => {
    expect((await rest.post('/channels/nope/continue', { context: 'x' })).body).toEqual({
      message: 'Channel not found',
    });
    expect((await rest.get('/playbacks/nope')).body).toEqual({ message: 'Playback not found' });
    expect((await rest.get('/asterisk/variable', { variable: 'UNSET' })).status).toBe(404);
    expect((await rest.delete('/channels/x', { reason: 'bogus' })).status).toBe(400);
    const recorder = await EventRecorder.connect(url, 'errors');
    await rest.post('/channels', {
      endpoint: 'Local/5550108@from-internal',
      app: 'errors',
      channelId: 'ringing-1',
    });
    await recorder.waitFor((e) => e.type === 'Dial' && e.dialstatus === 'RINGING');
    const notInStasis = await rest.post('/channels/ringing-1/play', { media: 'sound:hello' });
    expect({ status: notInStasis.status, body: notInStasis.body }).toEqual({
      status: 409,
      body: { message: 'Channel not in Stasis application' },
    });
    const duplicate = await rest.post('/channels', {
      endpoint: 'Local/5550108@from-internal',
      app: 'errors',
      channelId: 'other',
      otherChannelId: 'ringing-1;2',
    });
    expect({ status: duplicate.status, body: duplicate.body }).toEqual({
      status: 409,
      body: { message: 'Channel with given unique ID already exists' },
    });
    expect((await rest.delete('/channels/ringing-1')).status).toBe(204);
    recorder.close();
  });
  it('names itself Asterisk in the Server header of every answer: JSON, empty, refused, unknown', async () => {
    const auth = `Basic ${Buffer.from('dialstate:secret').toString('base64')}`;
    const answers = [
      await fetch(`${url}/ari/asterisk/info`, { headers: { authorization: auth } }),
      await fetch(`${url}/ari/asterisk/info`),
      await fetch(`${url}/ari/no-such-resource`, { headers: { authorization: auth } }),
      await fetch(`${url}/ari/channels/nobody`, {
        method: 'DELETE',
        headers: { authorization: auth },
      }),
      await fetch(`${url}/ari/channels`, {
        method: 'POST',
        headers: { authorization: auth, 'content-length': '0' },
      }),
    ];
    for (const answer of answers) await answer.text();
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404, 404, 400]);
    for (const answer of answers) {
      expect(answer.headers.get('server')).toBe(`Asterisk/${SIMULATED_VERSION}`);
    }
    expect(answers[0]?.headers.get('content-type')).toBe('application/json');
  });
});
