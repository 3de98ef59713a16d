/**
 * A response body as text, read chunk by chunk and abandoned (the stream cancelled, which
 * closes the connection) as soon as more than `maxBytes` have arrived. `response.text()`
 * would first buffer whatever the server sends: an endless or huge body from a broken or
 * hostile endpoint would then cost memory without bound before any size check could run.
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
  what: string,
): Promise<string> {
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw new Error(`${what} too large`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`${what} too large`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
