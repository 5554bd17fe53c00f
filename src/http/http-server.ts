import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';

/** A listening HTTP server. */
export interface HttpServer {
  /** e.g. `http://127.0.0.1:3000` (the port actually bound when 0 was asked). */
  readonly url: string;
  /** Stops accepting connections and closes the open ones (SSE streams stay open otherwise). */
  close(): Promise<void>;
}

/** Serves a fetch handler (the Hono app) on host:port with Node's HTTP server. */
export function listenHttp(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  options: { host: string; port: number },
): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    const onError = (error: Error) => reject(error);
    server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      server?.off('error', onError);
      const { address, port } = info as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            if (server === undefined) return done();
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', onError);
  });
}
