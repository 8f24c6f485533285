import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on loopback in front of a real server (PostgreSQL), to cause real network outages in tests. */
export interface TcpProxy {
  port: number;
  /** Cuts every connection and closes the port: new connections are refused. */
  refuse(): Promise<void>;
  /** Cuts every connection; new ones are accepted and never answered (a silent host). */
  silence(): void;
  /** Forwards again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let silent = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a cut is what the tests cause
  };
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  const server = createServer((client) => {
    track(client);
    if (silent) return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve) => {
      server.listen(port, '127.0.0.1', resolve);
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      cutAll();
      if (server.listening) {
        server.close(() => {
          resolve();
        });
      } else resolve();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    port,
    refuse: stop,
    silence: () => {
      silent = true;
      cutAll();
    },
    restore: async () => {
      silent = false;
      cutAll();
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
