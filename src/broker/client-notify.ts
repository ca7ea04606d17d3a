import type { RemotingCommand } from '../protocol/command.js';
import { FLAG_ONEWAY, createRequest } from '../protocol/command.js';
import { encodeNotifyConsumerIdsChangedRequestHeader } from '../protocol/headers/consumer.js';
import { RequestCode } from '../protocol/request-code.js';
import type { Channel } from '../remoting/channel.js';

/**
 * Broker → client oneway requests over the client's own connection (reference §1.2):
 * NOTIFY_CONSUMER_IDS_CHANGED and RESET_CONSUMER_CLIENT_OFFSET. Sent and forgotten: ali-ons
 * never answers them (real-clients §1.2), and nothing here ever waits.
 */
const OPAQUE_MAX = 0x7fffffff;
let lastOpaque = 0;

function nextOpaque(): number {
  lastOpaque = lastOpaque >= OPAQUE_MAX ? 1 : lastOpaque + 1;
  return lastOpaque;
}

export function sendOneway(channel: Channel, command: RemotingCommand): void {
  if (channel.closed) return;
  command.opaque = nextOpaque();
  command.flag |= FLAG_ONEWAY;
  channel.send(command);
}

export function notifyConsumerIdsChanged(channels: readonly Channel[], group: string): void {
  for (const channel of channels) {
    sendOneway(channel, createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
      encodeNotifyConsumerIdsChangedRequestHeader({ consumerGroup: group })));
  }
}
