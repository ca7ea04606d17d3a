// Typed access to the real ali-ons 3.12 client (CommonJS, untyped) for the interop tests: just
// the surface those tests use, plus a silent logger (ali-ons logs to the console by default).
import { createRequire } from 'node:module';

export interface OnsMessage {
  topic: string;
  tags: string;
  keys: string;
  body: Buffer;
  msgId: string;
  reconsumeTimes: number;
  properties: Record<string, string>;
}

export interface OnsOutgoing {
  keys: string[];
  properties: Record<string, string>;
}

export interface OnsProducer {
  ready(): Promise<void>;
  send(message: OnsOutgoing): Promise<{ sendStatus: string; msgId: string }>;
  close(): Promise<void>;
}

export interface OnsConsumer {
  ready(): Promise<void>;
  subscribe(topic: string, expression: string, handler: (message: OnsMessage) => Promise<unknown>): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): Promise<void>;
}

export interface AliOns {
  Producer: new (options: Record<string, unknown>) => OnsProducer;
  Consumer: new (options: Record<string, unknown>) => OnsConsumer;
  Message: new (topic: string, tags: string, body: string | Buffer) => OnsOutgoing;
}

const require = createRequire(import.meta.url);
export const ons = require('ali-ons') as AliOns;

/** A logger that drops everything, for ali-ons's `logger` option. */
export const quietOnsLogger = { info() {}, warn() {}, error() {}, debug() {} };
