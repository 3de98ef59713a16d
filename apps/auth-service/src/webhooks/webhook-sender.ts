import { Webhook } from 'standardwebhooks';
import type { WebhookEndpoint } from '../config/events.config';
import type { AuthEventView } from '../events/event-types';

/**
 * One signed POST, as Standard Webhooks lays it out: `webhook-id` (the event's, the same on
 * every retry, so receivers can drop duplicates), `webhook-timestamp` (this attempt) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`), computed by the
 * standardwebhooks package. Any 2xx is success; anything else, a redirect (never followed)
 * or no answer within the timeout is a failure to retry.
 */
export class WebhookSender {
  private readonly signers = new Map<string, Webhook>();

  constructor(private readonly timeoutMs: number) {}

  /** `stop` (shutdown) cancels the request at once, as the timeout would. */
  async send(
    endpoint: WebhookEndpoint,
    event: AuthEventView,
    now: Date,
    stop?: AbortSignal,
  ): Promise<void> {
    const body = JSON.stringify({
      type: event.type,
      timestamp: new Date(event.at).toISOString(),
      data: event,
    });
    const id = `evt_${event.id}`;
    const signature = this.signer(endpoint).sign(id, now, body);
    const response = await fetch(endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      signal: stop
        ? AbortSignal.any([stop, AbortSignal.timeout(this.timeoutMs)])
        : AbortSignal.timeout(this.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'hybrid-auth-webhooks',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    // The answer's body is not needed: dropped unread, however large.
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) {
      throw new Error(`answered ${response.status}`);
    }
  }

  private signer(endpoint: WebhookEndpoint): Webhook {
    let signer = this.signers.get(endpoint.id);
    if (!signer) {
      signer = new Webhook(endpoint.secret);
      this.signers.set(endpoint.id, signer);
    }
    return signer;
  }
}
