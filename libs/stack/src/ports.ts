import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** True when nothing listens on 127.0.0.1:`port` right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Where the kernel's ephemeral ports (the local ports of outgoing connections) begin. */
export function ephemeralPortsFrom(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > 0 ? port : LINUX_EPHEMERAL_FROM;
  } catch {
    return LINUX_EPHEMERAL_FROM;
  }
}

const LINUX_EPHEMERAL_FROM = 32768;
const LOWEST = 10000;

/**
 * A free port on the loopback interface for a process that binds it a moment later. Chosen
 * at random below the ephemeral range: a port the kernel hands out for `listen(0)` comes from
 * the range outgoing connections draw their local ports from, and a test stack opening its
 * database connections could take it before the process binds it (seen in CI as EADDRINUSE).
 * Falls back to the kernel's choice where the range leaves no room below it.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralPortsFrom();
  if (below - LOWEST >= 1000) {
    for (let tries = 0; tries < 50; tries += 1) {
      const port = randomInt(LOWEST, below);
      if (await portFree(port)) return port;
    }
  }
  return kernelPort();
}

function kernelPort(): Promise<number> {
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
