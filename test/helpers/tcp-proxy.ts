import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP pass-through to PostgreSQL that a test can cut (every connection dropped, new ones
 * refused) and restore on the same port: the app sees exactly what a database restart looks like.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1', () => {
      port = (server!.address() as { port: number }).port;
      resolve();
    });
  });
  const cut = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server?.close(() => resolve());
  });
  await listen();
  return { get port() { return port; }, cut, restore: listen, stop: cut };
}
