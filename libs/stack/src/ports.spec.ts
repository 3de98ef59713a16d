import net from 'node:net';
import { ephemeralPortsFrom, freePort, portFree } from './ports';

describe('freePort', () => {
  it('chooses a port below the ephemeral range that a server can then bind', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(10000);
    expect(port).toBeLessThan(ephemeralPortsFrom());
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    try {
      expect(await portFree(port)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
