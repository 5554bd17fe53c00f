import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP relay between a client and a server, for tests. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>` of the relay. */
  readonly url: string;
  /** Everything clients sent through the relay so far, as text (HTTP requests included). */
  sent(): string;
  /** What clients sent, unconverted and one buffer per connection, for binary protocols. */
  sentPerConnection(): Buffer[];
  /** Cuts every relayed connection at once, as a network failure would. */
  cutAll(): void;
  close(): Promise<void>;
}

/**
 * Starts a relay to `target` (`http://host:port`). It sees the exact bytes on the wire,
 * so a test can check what an HTTP client really sent, and it can drop connections
 * (websockets included) without the server noticing first.
 */
export async function createTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const chunks: Buffer[] = [];
  const perConnection: Buffer[][] = [];
  // No Nagle: a relay that holds small writes back for an ACK (up to 200 ms on Linux)
  // would delay websocket frames that the endpoints themselves send at once.
  const server: Server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ port: Number(port), host: hostname, noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    const own: Buffer[] = [];
    perConnection.push(own);
    client.on('data', (data: Buffer) => {
      chunks.push(data);
      own.push(data);
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    sent: () => Buffer.concat(chunks).toString('utf8'),
    sentPerConnection: () => perConnection.map((list) => Buffer.concat(list)),
    cutAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
