// Proves the fastjson reader accepts standard JSON plus fastjson's unquoted numeric keys and
// inline object keys (as a Map), \u escapes including \u0001, and refuses broken input with
// ERR_BODY_MALFORMED; and that the writer's Map key styles produce what Java and JSON.parse
// read. Also decodes the broker bodies Java writes (heartbeat, ConsumeStats with MessageQueue
// keys in both forms, lock batch).
import { describe, expect, it } from 'vitest';
import { keyedEntries, parseFastjson, toFastjson } from '../../../src/protocol/fastjson.js';
import { decodeConsumeStats, encodeConsumeStats, decodeTopicStatsTable } from '../../../src/protocol/bodies/admin.js';
import { decodeHeartbeatData, encodeHeartbeatData, decodeLockBatchRequestBody } from '../../../src/protocol/bodies/client.js';

describe('parseFastjson', () => {
  it('reads standard JSON like JSON.parse', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\"y\\\\z\\n\\u00e9"],"b":{"c":{}},"d":[]}';
    expect(parseFastjson(text)).toEqual(JSON.parse(text));
  });

  it('reads unquoted numeric keys as string keys', () => {
    expect(parseFastjson('{0:"10.0.0.1:10911",1:"10.0.0.2:10911"}')).toEqual({ 0: '10.0.0.1:10911', 1: '10.0.0.2:10911' });
  });

  it('reads inline object keys into a Map', () => {
    const value = parseFastjson('{{"brokerName":"b","queueId":0,"topic":"T"}:5, {"brokerName":"b","queueId":1,"topic":"T"}:6}');
    expect(value).toBeInstanceOf(Map);
    expect(keyedEntries(value)).toEqual([[{ brokerName: 'b', queueId: 0, topic: 'T' }, 5], [{ brokerName: 'b', queueId: 1, topic: 'T' }, 6]]);
  });

  it('keeps \\u0001 and \\u0002 escapes', () => {
    expect(parseFastjson('"TAGS\\u0001a\\u0002KEYS\\u0001b"')).toBe('TAGS\u0001a\u0002KEYS\u0001b');
  });

  it.each(['', '{', '{"a":}', '[1,]', '{"a" 1}', '"abc', 'nul', '{"a":1}x', '"\\x"', '"\\u12"', '-', '[' .repeat(100)])(
    'refuses %j', (text) => {
      expect(() => parseFastjson(text)).toThrow(expect.objectContaining({ code: 'ERR_BODY_MALFORMED' }));
    });
});

describe('toFastjson', () => {
  const map = new Map<unknown, unknown>([[{ brokerName: 'b', queueId: 0, topic: 'T' }, 5]]);
  it('writes object keys inline by default and as strings on request', () => {
    expect(toFastjson({ m: map })).toBe('{"m":{{"brokerName":"b","queueId":0,"topic":"T"}:5}}');
    const standard = toFastjson({ m: map }, { objectKeys: 'string' });
    expect(JSON.parse(standard)).toEqual({ m: { '{"brokerName":"b","queueId":0,"topic":"T"}': 5 } });
    expect(keyedEntries((parseFastjson(standard) as { m: never }).m)).toEqual(keyedEntries((parseFastjson(toFastjson({ m: map })) as { m: never }).m));
  });

  it('writes number keys quoted by default and bare on request; drops undefined', () => {
    const brokerAddrs = new Map([[0, 'a'], [1, 'b']]);
    expect(toFastjson({ brokerAddrs, x: undefined })).toBe('{"brokerAddrs":{"0":"a","1":"b"}}');
    expect(toFastjson({ brokerAddrs }, { numberKeys: 'bare' })).toBe('{"brokerAddrs":{0:"a",1:"b"}}');
  });
});

describe('broker bodies', () => {
  it('decodes and re-encodes the reference heartbeat', () => {
    const text = '{"clientID":"10.0.0.5@12345","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",'
      + '"consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING","subscriptionDataSet":[{'
      + '"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG","subString":"TagA || TagB",'
      + '"subVersion":1700000000000,"tagsSet":["TagA","TagB"],"topic":"TopicTest"}],"unitMode":false}],'
      + '"producerDataSet":[{"groupName":"pg"}]}';
    const data = decodeHeartbeatData(text);
    expect(data.consumerDataSet[0]?.subscriptionDataSet[0]?.codeSet).toEqual([2598919, 2598920]);
    expect(encodeHeartbeatData(data).toString()).toBe(text);
  });

  it('defaults a missing expressionType to TAG (ali-ons omits it)', () => {
    const data = decodeHeartbeatData('{"clientID":"c","consumerDataSet":[{"groupName":"g","subscriptionDataSet":[{"topic":"T","subString":"*"}]}]}');
    expect(data.consumerDataSet[0]?.subscriptionDataSet[0]?.expressionType).toBe('TAG');
  });

  it('reads ConsumeStats with MessageQueue keys inline or as strings', () => {
    const queue = { topic: 'T', brokerName: 'b', queueId: 2 };
    const stats = { consumeTps: 1.5, offsetTable: [[queue, { brokerOffset: 10, consumerOffset: 7, pullOffset: 0, lastTimestamp: 99 }]] as never };
    expect(decodeConsumeStats(encodeConsumeStats(stats))).toEqual(stats);
    expect(decodeConsumeStats(encodeConsumeStats(stats, { objectKeys: 'string' }))).toEqual(stats);
    const java = '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":0,"maxOffset":3,"minOffset":0}}}';
    expect(decodeTopicStatsTable(java).offsetTable).toEqual([[{ topic: 'T', brokerName: 'b', queueId: 0 }, { minOffset: 0, maxOffset: 3, lastUpdateTimestamp: 0 }]]);
  });

  it('decodes a lock batch request', () => {
    expect(decodeLockBatchRequestBody('{"consumerGroup":"cg","clientId":"ip@inst","mqSet":[{"topic":"T","brokerName":"b","queueId":0}]}'))
      .toEqual({ consumerGroup: 'cg', clientId: 'ip@inst', mqSet: [{ topic: 'T', brokerName: 'b', queueId: 0 }] });
  });
});
