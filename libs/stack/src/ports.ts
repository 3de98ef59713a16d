import net from 'node:net';

/** True when nothing listens on 127.0.0.1:`port` right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port on the loopback interface, chosen by the kernel (others run tests here too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The first free port from `from` on (a default that steps aside when taken). */
export async function freePortFrom(from: number): Promise<number> {
  for (let port = from; port < from + 100; port += 1) if (await portFree(port)) return port;
  throw new Error(`no free port between ${from} and ${from + 99}`);
}
