/**
 * Write-completion hooks on buffers handed to a transport: the owner of a reused buffer (the
 * broker's shared pull body slots) learns when the transport is done with it, so the memory can
 * be reused at once. A transport calls `written(buffer)` once the bytes are in the kernel (TCP:
 * the socket write's callback), copied elsewhere (a coalesced run, a WebSocket frame) or
 * dropped (closed connection). Buffers without a hook cost one WeakMap miss.
 */
const hooks = new WeakMap<Uint8Array, () => void>();

/** Runs `hook` once when a transport reports `buffer` written, copied or dropped. */
export function onceWritten(buffer: Uint8Array, hook: () => void): void {
  hooks.set(buffer, hook);
}

export function hasWriteHook(buffer: Uint8Array): boolean {
  return hooks.has(buffer);
}

/** The transport is done with `buffer`: runs its hook, if any, once. */
export function written(buffer: Uint8Array | null): void {
  if (buffer === null) return;
  const hook = hooks.get(buffer);
  if (hook === undefined) return;
  hooks.delete(buffer);
  hook();
}
