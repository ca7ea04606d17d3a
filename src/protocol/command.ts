/**
 * A remoting command as both header serializations see it (reference §1.2). `extFields` is the
 * flattened custom header; values are strings on the wire (§1.5).
 */
export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

export const LanguageCode = {
  JAVA: 0, CPP: 1, DOTNET: 2, PYTHON: 3, DELPHI: 4, ERLANG: 5, RUBY: 6, OTHER: 7, HTTP: 8,
  GO: 9, PHP: 10, OMS: 11, RUST: 12,
} as const;
export type LanguageName = keyof typeof LanguageCode;

/** flag bit 0: response; bit 1: oneway request. */
export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

/** MQVersion ordinal we report (4.9.8 → 409 range; clients gate features on >= 232). */
export const PETREL_VERSION_ORDINAL = 409;

export interface RemotingCommand {
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  body: Buffer | null;
  /** The header type the command arrived with; replies use the same. */
  serializeType: SerializeType;
}

export function isResponse(command: RemotingCommand): boolean {
  return (command.flag & FLAG_RESPONSE) !== 0;
}

export function isOneway(command: RemotingCommand): boolean {
  return (command.flag & FLAG_ONEWAY) !== 0;
}

export function createRequest(
  code: number,
  extFields: Record<string, string> | null = null,
  body: Buffer | null = null,
): RemotingCommand {
  return {
    code, language: 'JAVA', version: PETREL_VERSION_ORDINAL, opaque: 0, flag: 0, remark: null,
    extFields, body, serializeType: SerializeType.JSON,
  };
}

/** A response to `request`: same opaque and header type, response flag set. */
export function createResponse(
  request: RemotingCommand,
  code: number,
  remark: string | null = null,
  extFields: Record<string, string> | null = null,
  body: Buffer | null = null,
): RemotingCommand {
  return {
    code, language: 'JAVA', version: PETREL_VERSION_ORDINAL, opaque: request.opaque,
    flag: FLAG_RESPONSE, remark, extFields, body, serializeType: request.serializeType,
  };
}

/** Converts typed header values to the wire's strings, dropping null/undefined (§1.5). */
export function toExtFields(
  header: Readonly<Record<string, string | number | boolean | bigint | null | undefined>>,
): Record<string, string> {
  const ext: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (value !== null && value !== undefined) ext[key] = String(value);
  }
  return ext;
}
