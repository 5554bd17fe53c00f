import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppSocket, StasisApps } from './sim-apps.js';
import { type AriCredentials, AUTH_REQUIRED_BODY, isAuthorized } from './sim-auth.js';

/** The `/ari/events` websocket endpoint of a running simulator. */
export interface EventsWebsocket {
  /**
   * Writes out every frame held for the end of this turn now: before a REST answer
   * leaves, so that the events a request caused reach the client ahead of its answer.
   */
  flush(): void;
  /** Drops every connection. */
  close(): void;
}

export interface EventsWebsocketDeps {
  credentials: AriCredentials;
  apps: StasisApps;
  log?: Logger;
}

/**
 * Serves `GET /ari/events?app=<name>[,<name>]` upgrades on `server`. Credentials come
 * as HTTP Basic or as `api_key=user:password` (ari-client's way). Nothing is sent when
 * a socket connects (fact 2); it receives the events of its apps from then on.
 */
export function attachEventsWebsocket(server: Server, deps: EventsWebsocketDeps): EventsWebsocket {
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  const batched = new Set<BatchedSocket>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') {
      refuse(socket, 404, { message: 'Resource not found' });
      return;
    }
    if (
      !isAuthorized(
        deps.credentials,
        request.headers.authorization,
        url.searchParams.get('api_key'),
      )
    ) {
      refuse(socket, 401, AUTH_REQUIRED_BODY);
      return;
    }
    const apps = url.searchParams
      .getAll('app')
      .flatMap((value) => value.split(','))
      .filter((name) => name !== '');
    if (apps.length === 0) {
      refuse(socket, 400, { message: "Missing param 'app'" });
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      const appSocket = turnBatchedSocket(ws, socket);
      batched.add(appSocket);
      deps.apps.register(appSocket, apps);
      deps.log?.debug({ apps }, 'simulated ARI websocket connected');
      ws.on('close', () => {
        sockets.delete(ws);
        batched.delete(appSocket);
        deps.apps.unregister(appSocket);
        deps.log?.debug({ apps }, 'simulated ARI websocket closed');
      });
      ws.on('error', (error) =>
        deps.log?.warn({ err: error, apps }, 'simulated ARI websocket error'),
      );
    });
  };

  server.on('upgrade', onUpgrade);
  return {
    flush() {
      for (const appSocket of batched) appSocket.flush();
    },
    close() {
      server.off('upgrade', onUpgrade);
      // Frames of this turn leave before the sockets go, as they did one write each.
      for (const appSocket of batched) appSocket.flush();
      batched.clear();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      wss.close();
    },
  };
}

interface BatchedSocket extends AppSocket {
  flush(): void;
}

/**
 * An app socket whose frames of one turn of the event loop leave in one write. A call's
 * events come in bursts (an originate alone makes several, a refusal half a dozen),
 * and a write per frame — one system call each, and one read per frame at the client —
 * was the largest share of the simulator's CPU time under load. The frames are held
 * until the turn's synchronous work is done (`process.nextTick`), or until `flush`
 * (before a REST answer, or the socket's close), and then sent in order with the
 * socket corked: still one websocket message per event, as Asterisk sends them.
 */
function turnBatchedSocket(ws: WebSocket, socket: Duplex): BatchedSocket {
  let held: string[] = [];
  const flush = (): void => {
    if (held.length === 0) return;
    const frames = held;
    held = [];
    if (ws.readyState !== WebSocket.OPEN) return;
    socket.cork();
    for (const frame of frames) ws.send(frame);
    socket.uncork();
  };
  return {
    send(frame) {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (held.length === 0) process.nextTick(flush);
      held.push(frame);
    },
    flush,
  };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
};

function refuse(socket: Duplex, status: number, body: object): void {
  const json = JSON.stringify(body);
  const auth = status === 401 ? 'WWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n${auth}` +
      `Connection: close\r\n\r\n${json}`,
  );
}
