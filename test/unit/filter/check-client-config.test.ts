// Proves CHECK_CLIENT_CONFIG (46) answers as RocketMQ's ClientManageProcessor (reference §2.6):
// TAG or no subscription → SUCCESS; SQL92 → SYSTEM_ERROR while enablePropertyFilter=false,
// SUBSCRIPTION_PARSE_FAILED with the positioned compile error for a bad expression, SUCCESS for a
// good one. HEART_BEAT with a SQL92 subscription that does not compile still succeeds and
// registers the consumer, as RocketMQ does (its pulls are refused later; see the pull test).
// Driven through a real control plane (tmp dir, in-memory store) with real requests.
import { describe, expect, it } from 'vitest';
import { createRequest, type RemotingCommand } from '../../../src/protocol/command.js';
import { RequestCode } from '../../../src/protocol/request-code.js';
import { ResponseCode } from '../../../src/protocol/response-code.js';
import { makeControlPlane } from '../broker/harness.js';

function check(expressionType: string | null, subString = 'a between 0 and 3'): RemotingCommand {
  const subscriptionData = expressionType === null ? undefined : {
    classFilterMode: false, codeSet: [], expressionType, subString, subVersion: 1_700_000_000_000,
    tagsSet: [], topic: 'TopicTest',
  };
  const body = { clientId: '10.0.0.1@1', group: 'G1', subscriptionData };
  return createRequest(RequestCode.CHECK_CLIENT_CONFIG, null, Buffer.from(JSON.stringify(body)));
}

describe('CHECK_CLIENT_CONFIG', () => {
  it('accepts TAG subscriptions and a body without subscription, whatever enablePropertyFilter says', async () => {
    const { call } = makeControlPlane();
    expect((await call(check('TAG', 'TagA || TagB'))).code).toBe(ResponseCode.SUCCESS);
    expect((await call(check(null))).code).toBe(ResponseCode.SUCCESS);
  });

  it('refuses SQL92 while enablePropertyFilter=false', async () => {
    const { call } = makeControlPlane();
    const reply = await call(check('SQL92'));
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(reply.remark).toBe('The broker does not support consumer to filter message by SQL92');
  });

  it('compiles SQL92 when enabled: good → SUCCESS, bad → SUBSCRIPTION_PARSE_FAILED with the position', async () => {
    const { call } = makeControlPlane({ enablePropertyFilter: 'true' });
    expect((await call(check('SQL92'))).code).toBe(ResponseCode.SUCCESS);
    const bad = await call(check('SQL92', 'a = NULL'));
    expect(bad.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(bad.remark).toMatch(/^invalid SQL92 expression at line 1, column 3 .*IS NULL/);
    expect((await call(check('CLASS'))).code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
  });
});

describe('HEART_BEAT with a SQL92 subscription that does not compile', () => {
  it('answers SUCCESS and registers the consumer, as RocketMQ does', async () => {
    const { call } = makeControlPlane({ enablePropertyFilter: 'true' });
    const heartbeat = {
      clientID: '10.0.0.1@1', producerDataSet: [],
      consumerDataSet: [{
        groupName: 'G1', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false,
        subscriptionDataSet: [{
          classFilterMode: false, codeSet: [], expressionType: 'SQL92', subString: 'a between', subVersion: 1,
          tagsSet: [], topic: 'TopicTest',
        }],
      }],
    };
    const reply = await call(createRequest(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify(heartbeat))));
    expect(reply.code).toBe(ResponseCode.SUCCESS);
    const members = await call(createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'G1' }));
    expect(members.code).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse((members.body as Buffer).toString())).toEqual({ consumerIdList: ['10.0.0.1@1'] });
  });
});
