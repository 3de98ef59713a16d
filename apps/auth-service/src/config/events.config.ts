import { readFileSync } from 'node:fs';
import type { EnvReader } from '@hybrid-auth/platform';
import { isEventType } from '../events/event-types';
import type { AuthEventType } from '../events/event-types';

export interface WebhookEndpoint {
  /** Stable name: deliveries are kept per endpoint id, so renaming one starts it afresh. */
  id: string;
  url: string;
  /** Standard Webhooks secret (`whsec_` + base64 of 24 to 64 random bytes). */
  secret: string;
  /** The event types it receives; `["*"]` for all. */
  events: AuthEventType[] | '*';
}

/** The audit trail's retention, and where (and how stubbornly) its events are delivered. */
export interface EventsConfig {
  retentionDays: number;
  webhooks: {
    endpoints: WebhookEndpoint[];
    /** Seconds before the first retry; doubled per attempt up to retryMaxSeconds. */
    retryBaseSeconds: number;
    retryMaxSeconds: number;
    /** Seconds after which a delivery that never succeeded is marked failed (at least a day). */
    giveUpSeconds: number;
    /** Seconds one request may take. */
    timeoutSeconds: number;
  };
}

export function readEventsConfig(read: EnvReader, production: boolean): EventsConfig {
  const retryBaseSeconds = read.int('AUTH_WEBHOOK_RETRY_BASE', { default: 5, min: 1, max: 3600 });
  const file = read.optionalString('AUTH_WEBHOOKS_FILE');
  let endpoints: WebhookEndpoint[] = [];
  if (file !== undefined) {
    try {
      endpoints = parseWebhooksFile(readFileSync(file, 'utf8'), production);
    } catch (error) {
      read.fail(`AUTH_WEBHOOKS_FILE (${file}): ${(error as Error).message}`);
    }
  }
  return {
    retentionDays: read.int('AUTH_EVENTS_RETENTION_DAYS', { default: 90, min: 1, max: 3650 }),
    webhooks: {
      endpoints,
      retryBaseSeconds,
      retryMaxSeconds: read.int('AUTH_WEBHOOK_RETRY_MAX', {
        default: 3600,
        min: retryBaseSeconds,
        max: 86_400,
      }),
      giveUpSeconds: read.int('AUTH_WEBHOOK_GIVE_UP_AFTER', {
        default: 259_200,
        min: 86_400,
        max: 2_592_000,
      }),
      timeoutSeconds: read.int('AUTH_WEBHOOK_TIMEOUT', { default: 10, min: 1, max: 60 }),
    },
  };
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/**
 * `{ "endpoints": [ { "id", "url", "secret", "events" } ] }`, see docs/webhooks.md. The file
 * is the operator's: URLs are trusted to point where the operator means (internal addresses
 * included); only the scheme is checked, plain http refused in production, and no
 * credentials in the URL (they would end up in logs).
 */
export function parseWebhooksFile(text: string, production: boolean): WebhookEndpoint[] {
  const parsed = JSON.parse(text) as { endpoints?: unknown };
  if (!parsed || !Array.isArray(parsed.endpoints)) throw new Error('expected { "endpoints": [] }');
  if (parsed.endpoints.length > 50) throw new Error('at most 50 endpoints');
  const seen = new Set<string>();
  return parsed.endpoints.map((raw: Record<string, unknown>, index: number) => {
    const where = `endpoints[${index}]`;
    const { id, url, secret, events } = raw ?? {};
    if (typeof id !== 'string' || !ID.test(id)) throw new Error(`${where}.id must match ${ID}`);
    if (seen.has(id)) throw new Error(`${where}.id "${id}" is used twice`);
    seen.add(id);
    let parsedUrl: URL;
    try {
      parsedUrl = new URL(String(url));
    } catch {
      throw new Error(`${where}.url is not a URL`);
    }
    const schemes = production ? ['https:'] : ['https:', 'http:'];
    if (!schemes.includes(parsedUrl.protocol)) {
      throw new Error(`${where}.url must be ${production ? 'https' : 'http(s)'}`);
    }
    if (parsedUrl.username || parsedUrl.password) {
      throw new Error(`${where}.url must not carry credentials`);
    }
    const key = typeof secret === 'string' && SECRET.test(secret) ? secret.slice(6) : '';
    const bytes = Buffer.from(key, 'base64').length;
    if (bytes < 24 || bytes > 64) {
      throw new Error(`${where}.secret must be "whsec_" + base64 of 24 to 64 random bytes`);
    }
    return {
      id,
      url: parsedUrl.toString(),
      secret: secret as string,
      events: readTypes(events, where),
    };
  });
}

function readTypes(events: unknown, where: string): AuthEventType[] | '*' {
  if (Array.isArray(events) && events.length === 1 && events[0] === '*') return '*';
  if (!Array.isArray(events) || events.length === 0) {
    throw new Error(`${where}.events must be a non-empty list of event types, or ["*"]`);
  }
  for (const type of events) {
    if (!isEventType(type)) throw new Error(`${where}.events: unknown event type ${String(type)}`);
  }
  return [...new Set(events as AuthEventType[])];
}
