import { ApiError } from '@hybrid-auth/platform';

/**
 * Opaque page cursors: base64url of a tag and the last key of the page. Opaque to clients
 * (they may change), checked strictly on the way in: a cursor that does not decode to the
 * expected tag and shape is 400 validation_failed, never a database error.
 */
export function encodeCursor(tag: string, key: string): string {
  return Buffer.from(`${tag}:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(
  tag: string,
  cursor: string | undefined,
  shape: RegExp,
): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const text = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const key = text.startsWith(`${tag}:`) ? text.slice(tag.length + 1) : undefined;
  if (key === undefined || !shape.test(key)) {
    throw new ApiError(400, 'validation_failed', 'The cursor is not valid', {
      details: [
        { field: 'cursor', problems: ['cursor must be a nextCursor from a previous page'] },
      ],
    });
  }
  return key;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
