/**
 * A page cursor names the last order of the previous page. The next page is "older than that
 * order" in the (created_at, id) order, read from the database: the cursor carries no
 * timestamp to round (PostgreSQL keeps microseconds, JavaScript milliseconds), and the
 * lookup is scoped to the caller, so another user's cursor matches nothing and shows
 * nothing. It is opaque to clients (base64url) so its form can change.
 */
const VERSION = 'o1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(orderId: string): string {
  return Buffer.from(`${VERSION}:${orderId}`, 'utf8').toString('base64url');
}

/** The order id inside a cursor, or undefined when it is not one this service made. */
export function decodeCursor(cursor: string): string | undefined {
  const [version, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  return version === VERSION && id !== undefined && UUID.test(id) ? id : undefined;
}
