import { Logger } from '@nestjs/common';
import type { ServiceTokens } from '@hybrid-auth/auth-guard';
import { currentRequestId, unavailable } from '@hybrid-auth/platform';

export interface CatalogProduct {
  id: string;
  name: string;
  priceCents: number;
}

export interface CatalogClientOptions {
  /** catalog-service's base URL, without a trailing slash. */
  url: string;
  timeoutMs: number;
}

// A request id is only passed on when it looks like one: it is caller-controlled input.
const REQUEST_ID = /^[\w.:@-]{1,128}$/;
/** The audience of the tokens orders-service sends to catalog-service. */
export const CATALOG_AUDIENCE = 'catalog-service';

/**
 * Asks catalog-service for a product and its current price. catalog-service is another
 * process that may be down, slow or broken: apart from the product itself and a 404, every
 * outcome (refused connection, timeout, 5xx, an unexpected body) is 503 `unavailable` for
 * our caller, never a 500, and never a wait longer than `timeoutMs`.
 *
 * With `tokens`, each call carries the user's token exchanged for catalog-service alone
 * (RFC 8693, cached about a minute per user): catalog sees who asks on whose behalf, and the
 * user's own token, good at orders-service, never leaves this service.
 */
export class CatalogClient {
  private readonly logger = new Logger('CatalogClient');

  constructor(
    private readonly options: CatalogClientOptions,
    private readonly tokens?: ServiceTokens,
  ) {}

  /** The product, or null when catalog-service says it does not exist. */
  async findProduct(
    id: string,
    requestId?: string,
    accessToken?: string,
  ): Promise<CatalogProduct | null> {
    const headers: Record<string, string> = { accept: 'application/json' };
    // The id of the request being served (ours or the caller's), so logs line up across services.
    const forwarded = currentRequestId() ?? requestId;
    if (forwarded && REQUEST_ID.test(forwarded)) headers['x-request-id'] = forwarded;
    try {
      if (this.tokens && accessToken) {
        const token = await this.tokens.exchange(accessToken, CATALOG_AUDIENCE);
        headers.authorization = `Bearer ${token}`;
      }
      const response = await fetch(
        `${this.options.url}/catalog/products/${encodeURIComponent(id)}`,
        { headers, signal: AbortSignal.timeout(this.options.timeoutMs) },
      );
      if (!response.ok) {
        await response.body?.cancel();
        if (response.status === 404) return null;
        throw new Error(`catalog-service answered ${response.status}`);
      }
      const body: unknown = await response.json();
      if (!isProduct(body, id)) throw new Error('catalog-service sent an unexpected body');
      return { id: body.id, name: body.name, priceCents: body.priceCents };
    } catch (error) {
      this.logger.warn(`product ${id} could not be priced: ${describe(error)}`);
      throw unavailable('The catalog is unavailable; try again shortly', error);
    }
  }
}

function isProduct(body: unknown, id: string): body is CatalogProduct {
  const product = body as Partial<CatalogProduct> | null;
  return (
    typeof product === 'object' &&
    product !== null &&
    product.id === id &&
    typeof product.name === 'string' &&
    Number.isSafeInteger(product.priceCents) &&
    (product.priceCents as number) >= 0
  );
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
