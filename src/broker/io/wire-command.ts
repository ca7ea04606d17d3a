import type { RemotingCommand } from '../../protocol/command.js';

/**
 * A RemotingCommand as it crosses a thread boundary (postMessage). The body becomes a
 * Uint8Array that owns exactly its bytes: a Buffer from the frame decoder is usually a view into
 * a larger chunk, and structured clone copies a view's whole ArrayBuffer, so the body is copied
 * once here (control-plane traffic only: heartbeats, offsets, admin; the data path stays in its
 * thread). `transfer` lists that copy so postMessage moves it instead of copying again.
 */
export interface WireCommand {
  readonly code: number;
  readonly language: RemotingCommand['language'];
  readonly version: number;
  readonly opaque: number;
  readonly flag: number;
  readonly remark: string | null;
  readonly extFields: Record<string, string> | null;
  readonly body: Uint8Array | null;
  readonly serializeType: RemotingCommand['serializeType'];
}

export function toWireCommand(command: RemotingCommand, transfer: ArrayBuffer[]): WireCommand {
  let body: Uint8Array | null = null;
  if (command.body !== null && command.body.length > 0) {
    body = new Uint8Array(command.body.length);
    body.set(command.body);
    transfer.push(body.buffer as ArrayBuffer);
  }
  return {
    code: command.code, language: command.language, version: command.version, opaque: command.opaque,
    flag: command.flag, remark: command.remark, extFields: command.extFields, body,
    serializeType: command.serializeType,
  };
}

export function fromWireCommand(wire: WireCommand): RemotingCommand {
  return {
    code: wire.code, language: wire.language, version: wire.version, opaque: wire.opaque, flag: wire.flag,
    remark: wire.remark, extFields: wire.extFields,
    body: wire.body === null ? null : Buffer.from(wire.body.buffer, wire.body.byteOffset, wire.body.byteLength),
    serializeType: wire.serializeType,
  };
}
