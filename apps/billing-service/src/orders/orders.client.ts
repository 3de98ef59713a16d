import { Logger } from '@nestjs/common';
import { ServiceTokenError } from '@hybrid-auth/auth-guard';
import type { ServiceTokens } from '@hybrid-auth/auth-guard';
import { ApiError, currentRequestId, unavailable } from '@hybrid-auth/platform';
import type { ErrorCode } from '@hybrid-auth/platform';

/** orders-service's `GET /orders/summary`: the caller's order count and total, by aggregate. */
export interface OrdersSummary {
  orderCount: number;
  totalCents: number;
}

export interface OrdersClientOptions {
  /** orders-service's base URL, without a trailing slash. */
  url: string;
  timeoutMs: number;
}

// orders-service verifies the forwarded token itself and may refuse it although we accepted
// it: the token lacks orders-service's audience, the session's revocation reached orders
// first, or the token expired in between. The caller then gets that same 401 code.
const TOKEN_CODES: readonly ErrorCode[] = [
  'missing_token',
  'invalid_token',
  'token_expired',
  'session_revoked',
  'token_stale',
];
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The audience of the tokens billing-service sends to orders-service. */
export const ORDERS_AUDIENCE = 'orders-service';

/**
 * Asks orders-service for the caller's order count and total, on the caller's behalf: with a
 * token exchanged for orders-service alone (`ServiceTokens`, RFC 8693), so the caller's own
 * token never leaves billing-service (without a client key, the caller's token). orders-service computes them with one SQL aggregate: billing
 * never reads the orders themselves, however many there are. Apart from the summary and a
 * 401, every outcome (refused connection, timeout, 5xx, an unexpected body) is 503
 * `unavailable`, never a 500.
 */
export class OrdersClient {
  private readonly logger = new Logger('OrdersClient');

  constructor(
    private readonly options: OrdersClientOptions,
    private readonly tokens?: ServiceTokens,
  ) {}

  async summary(accessToken: string, requestId?: string): Promise<OrdersSummary> {
    const token = this.tokens ? await this.exchange(accessToken) : accessToken;
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    };
    // The id of the request being served (ours or the caller's), so logs line up across services.
    const forwarded = currentRequestId() ?? requestId;
    if (forwarded && REQUEST_ID.test(forwarded)) headers['x-request-id'] = forwarded;
    let status: number;
    let body: unknown;
    try {
      const response = await fetch(`${this.options.url}/orders/summary`, {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw this.unavailable(error);
    }
    if (status === 401) throw refusal(body);
    if (status !== 200 || !isSummary(body)) {
      throw this.unavailable(new Error(`orders-service answered ${status} with an unusable body`));
    }
    return { orderCount: body.orderCount, totalCents: body.totalCents };
  }

  /**
   * auth-service refusing the exchange of a token our guard accepted means the session ended
   * or changed a moment ago (invalid_grant): the caller hears 401, as from orders itself.
   */
  private async exchange(accessToken: string): Promise<string> {
    try {
      return await this.tokens!.exchange(accessToken, ORDERS_AUDIENCE);
    } catch (error) {
      if (error instanceof ServiceTokenError && error.code === 'invalid_grant') {
        throw new ApiError(401, 'invalid_token', 'The access token can no longer be used', {
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      throw this.unavailable(error);
    }
  }

  private unavailable(cause: unknown): ApiError {
    this.logger.warn(`orders could not be read: ${cause instanceof Error ? cause.message : cause}`);
    return unavailable('Orders are unavailable; try again shortly', cause);
  }
}

/** orders-service's 401, passed through with its code (anything unexpected: invalid_token). */
function refusal(body: unknown): ApiError {
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
  const known = TOKEN_CODES.find((c) => c === code) ?? 'invalid_token';
  const text = typeof message === 'string' ? message.slice(0, 200) : 'The access token was refused';
  return new ApiError(401, known, text, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

function isSummary(body: unknown): body is OrdersSummary {
  const summary = body as Partial<OrdersSummary> | null;
  const count = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
  return (
    typeof summary === 'object' &&
    summary !== null &&
    count(summary.orderCount) &&
    count(summary.totalCents)
  );
}
