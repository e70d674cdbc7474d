/**
 * Reading a small body as text without trusting its sender: at most `limit` bytes are read, so a
 * hostile or broken peer cannot make us hold more. Used for answers (client, remote signer) and
 * for small requests (signing endpoint, emulator control API).
 */

/**
 * The body of `message` as text, or `undefined` when it is longer than `limit` bytes (the rest is
 * not read). `onChunk` is told of every chunk (a stall watch counts them as progress).
 */
export async function readTextAtMost(message: Request | Response, limit: number, onChunk?: () => void): Promise<string | undefined> {
  const declared = Number(message.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await message.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!message.body) return '';
  const reader = message.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    onChunk?.();
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
