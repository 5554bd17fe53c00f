import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppSocket, StasisApps } from './sim-apps.js';
import { type AriCredentials, AUTH_REQUIRED_BODY, isAuthorized } from './sim-auth.js';

/** The `/ari/events` websocket endpoint of a running simulator. */
export interface EventsWebsocket {
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
      const appSocket: AppSocket = {
        send: (frame) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(frame);
        },
      };
      deps.apps.register(appSocket, apps);
      deps.log?.debug({ apps }, 'simulated ARI websocket connected');
      ws.on('close', () => {
        sockets.delete(ws);
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
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      wss.close();
    },
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
