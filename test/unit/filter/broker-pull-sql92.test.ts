// Proves the broker's SQL92 pull plumbing (src/filter README, "Integration"): PULL_MESSAGE refuses
// SQL92 when enablePropertyFilter=false (code 1, RocketMQ's remark), refuses a bad expression sent
// with the pull (23) or registered by heartbeat (27) with the compile error and its position, and
// passes a good expression to the reader with the tag filter off; the read side's filter
// (`messageFilterOf`, what a dispatch worker applies) keeps exactly the records whose properties
// match. Driven through the data plane's test harness with real PULL_MESSAGE requests.
import { describe, expect, it } from 'vitest';
import { messageFilterOf } from '../../../src/broker/data-plane/store-reader-port.js';
import type { GetMessagesQuery } from '../../../src/broker/data-plane/ports.js';
import { encodeHost } from '../../../src/protocol/host-address.js';
import { encodeRecord } from '../../../src/protocol/record.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { createHarness, props, pullRequest, sendV2 } from '../broker/data-plane/harness.js';

const SQL = { expressionType: 'SQL92', subscription: 'a between 0 and 3' };

function recordingQueries(h: ReturnType<typeof createHarness>): GetMessagesQuery[] {
  const queries: GetMessagesQuery[] = [];
  const read = h.store.getMessages.bind(h.store);
  h.store.getMessages = async (query) => {
    queries.push(query);
    return read(query);
  };
  return queries;
}

describe('PULL_MESSAGE with SQL92', () => {
  it('is refused with SYSTEM_ERROR while enablePropertyFilter=false', async () => {
    const h = createHarness();
    const reply = await h.call(pullRequest('TopicTest', 0, 0, SQL));
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toBe('The broker does not support consumer to filter message by SQL92');
    expect(reply.extFields?.['nextBeginOffset']).toBe('0');
  });

  it('refuses a bad expression sent with the pull with SUBSCRIPTION_PARSE_FAILED', async () => {
    const h = createHarness({ enablePropertyFilter: true });
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { ...SQL, subscription: "a > 'x'" }));
    expect(reply.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(reply.remark).toMatch(/^parse the consumer's subscription failed: invalid SQL92 expression at line 1, column 3/);
  });

  it('refuses a bad heartbeat-registered expression with FILTER_DATA_NOT_EXIST', async () => {
    const h = createHarness({ enablePropertyFilter: true });
    h.subscriptions.set('G1@TopicTest', { subString: 'a between 3 and', subVersion: 1, expressionType: 'SQL92' });
    const reply = await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '0' }));
    expect(reply.code).toBe(ResponseCode.FILTER_DATA_NOT_EXIST);
    expect(reply.remark).toContain("The broker's consumer filter data is not exist!Your expression may be wrong!");
    expect(reply.remark).toContain('line 1, column 16');
  });

  it('passes a good expression to the reader with the tag filter off', async () => {
    const h = createHarness({ enablePropertyFilter: true });
    const queries = recordingQueries(h);
    await h.call(sendV2('TopicTest', 'body', props({ a: '1' }), { e: '0' }));
    const reply = await h.call(pullRequest('TopicTest', 0, 0, SQL));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    expect(queries.at(-1)).toMatchObject({ tagCodes: null, sql92Expression: 'a between 0 and 3' });
    h.subscriptions.set('G1@TopicTest', { subString: 'a > 0', subVersion: 1, expressionType: 'SQL92' });
    await h.call(pullRequest('TopicTest', 0, 0, { sysFlag: '0' }));
    expect(queries.at(-1)).toMatchObject({ tagCodes: null, sql92Expression: 'a > 0' });
  });
});

describe('messageFilterOf (the dispatch worker side)', () => {
  it('keeps exactly the records whose properties match, and still applies tag codes', () => {
    const records = Array.from({ length: 10 }, (_, a) => encodeRecord({
      topic: 'TopicTest', body: Buffer.from(`a=${9 - a}`), properties: props({ a: String(a), TAGS: 'T' }),
      queueId: 0, flag: 0, sysFlag: 0, bornTimestampMs: 1_700_000_000_000, bornHost: encodeHost('127.0.0.1:1'),
    }));
    const filter = messageFilterOf({ tagCodes: [42], sql92Expression: 'a between 0 and 3' });
    const kept = records.flatMap((record, a) => (filter?.matchRecord?.(record) === true ? [a] : []));
    expect(kept).toEqual([0, 1, 2, 3]);
    expect(filter?.matchTagsCode?.(42)).toBe(true);
    expect(filter?.matchTagsCode?.(7)).toBe(false);
    expect(messageFilterOf({ tagCodes: null })).toBeUndefined();
  });
});
