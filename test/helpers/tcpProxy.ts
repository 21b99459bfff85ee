// A TCP proxy in front of PostgreSQL that a test cuts and restores: an outage of the database as
// a process sees it (connections reset, new ones refused), without stopping the machine's server.
import net from 'node:net';

export interface Proxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export async function tcpProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await open();
  return {
    port,
    // Also safe when already cut: the file's end cuts again, or its listening server keeps jest's worker alive.
    cut: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server?.listening) return resolve();
        server.close(() => resolve());
      }),
    restore: open,
  };
}
