/**
 * A failure to start with the one line a person needs: what went wrong and what to do.
 * `npm start` prints `message` alone (no stack trace); `cause` is kept for debugging.
 */
export class StartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartError';
  }
}

/** One line for any error: a StartError's own words, else the message and a hint. */
export function oneLine(error: unknown): string {
  if (error instanceof StartError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `${message.split('\n')[0]} (unexpected: run again with DEBUG=stack for details)`;
}
