import net from 'node:net';
import { eventually } from './service-process';

/** A status line, headers and body read off a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A TCP client that writes exactly the bytes it is given, so a test can send what fetch never
 * would (a GET with a body, Content-Length and Transfer-Encoding together, a path with `..`),
 * from a chosen loopback address. Everything it receives is kept in `received`.
 */
export class RawSocket {
  received = '';
  closed = false;
  /** Socket errors seen (a reset from the server shows here: EPIPE, ECONNRESET). */
  readonly errors: string[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString('latin1')));
    socket.on('close', () => (this.closed = true));
    // A reset from the server is an answer too (the connection was refused): kept, not thrown.
    socket.on('error', (error: NodeJS.ErrnoException) => this.errors.push(error.code ?? 'error'));
  }

  /** `allowHalfOpen`: go on writing after the server has ended its side, as a client may. */
  static connect(
    port: number,
    localAddress = '127.0.0.1',
    allowHalfOpen = false,
  ): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress, allowHalfOpen });
      socket.once('connect', () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || !this.socket.writable) return resolve();
      this.socket.write(data, 'latin1', () => resolve());
    });
  }

  /** Waits (bounded) until the server has closed the connection. */
  async untilClosed(timeoutMs = 15_000): Promise<this> {
    await eventually(() => this.closed, timeoutMs);
    return this;
  }

  /** The answers received so far, parsed (bodies framed by Content-Length; HEAD has none). */
  answers(): RawAnswer[] {
    const answers: RawAnswer[] = [];
    let rest = this.received;
    for (;;) {
      const end = rest.indexOf('\r\n\r\n');
      if (!rest.startsWith('HTTP/') || end < 0) return answers;
      const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [
          l.slice(0, l.indexOf(':')).toLowerCase(),
          l.slice(l.indexOf(':') + 1).trim(),
        ]),
      );
      const length = Number(headers['content-length'] ?? 0);
      const body = rest.slice(end + 4, end + 4 + length);
      answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
      rest = rest.slice(end + 4 + length);
    }
  }

  /** Waits (bounded) for the n-th answer on this connection. */
  async answer(n = 1, timeoutMs = 15_000): Promise<RawAnswer> {
    return eventually(() => this.answers()[n - 1], timeoutMs);
  }

  /** Ends this side of the connection. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One request, written raw on a fresh connection; resolves when the server has closed it. */
export async function sendRaw(port: number, request: string): Promise<RawSocket> {
  const socket = await RawSocket.connect(port);
  await socket.write(request);
  return socket.untilClosed().catch(() => {
    socket.destroy();
    return socket;
  });
}
