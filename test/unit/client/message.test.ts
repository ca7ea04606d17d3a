// Proves the Message API behaves like the Java client's: constructor forms, WAIT=true by
// default, tags/keys/delay properties, reserved property names refused, and local validation
// (topic rules, empty and oversize bodies) with clear messages, by constructing messages directly.
import { describe, expect, it } from 'vitest';
import { Message, MessageExt } from '../../../src/client/message.js';
import { checkMessage, checkTopic } from '../../../src/client/validators.js';

describe('Message', () => {
  it('supports the Java constructor forms', () => {
    const bare = new Message('T', 'body');
    expect(bare.body.toString()).toBe('body');
    expect(bare.tags).toBeUndefined();
    const tagged = new Message('T', 'TagA', Buffer.from('x'));
    expect(tagged.tags).toBe('TagA');
    const keyed = new Message('T', 'TagA', ['k1', 'k2'], 'x');
    expect(keyed.keys).toBe('k1 k2');
    expect(keyed.properties['KEYS']).toBe('k1 k2');
    const init = new Message({ topic: 'T', body: 'x', tags: 'B', keys: 'k', delayTimeLevel: 3, flag: 7 });
    expect([init.tags, init.keys, init.delayTimeLevel, init.flag]).toEqual(['B', 'k', 3, 7]);
  });

  it('sets WAIT=true by default and lets it be cleared', () => {
    const message = new Message('T', 'x');
    expect(message.properties['WAIT']).toBe('true');
    message.waitStoreMsgOK = false;
    expect(message.properties['WAIT']).toBe('false');
    expect(message.waitStoreMsgOK).toBe(false);
  });

  it('refuses reserved user property names', () => {
    const message = new Message('T', 'x');
    expect(() => message.putUserProperty('UNIQ_KEY', 'v')).toThrow(/used by system/);
    expect(() => message.putUserProperty('a', '')).toThrow(/blank/);
    message.putUserProperty('color', 'red');
    expect(message.getUserProperty('color')).toBe('red');
  });

  it('delayTimeLevel 0 removes the property', () => {
    const message = new Message('T', 'x');
    message.delayTimeLevel = 2;
    expect(message.properties['DELAY']).toBe('2');
    message.delayTimeLevel = 0;
    expect(message.properties['DELAY']).toBeUndefined();
  });

  it('MessageExt carries no WAIT and prints like Java', () => {
    const ext = new MessageExt('T', Buffer.from('abc'));
    ext.queueId = 3;
    expect(ext.properties['WAIT']).toBeUndefined();
    expect(ext.toString()).toContain('queueId=3');
  });
});

describe('validators', () => {
  it('refuses bad topics', () => {
    expect(() => checkTopic('')).toThrow(/blank/);
    expect(() => checkTopic('a b')).toThrow(/illegal characters/);
    expect(() => checkTopic('x'.repeat(128))).toThrow(/longer than/);
    expect(() => checkTopic('%RETRY%group_1|a-b')).not.toThrow();
  });

  it('refuses empty and oversize bodies and system topics before sending', () => {
    expect(() => checkMessage(new Message('T', Buffer.alloc(0)))).toThrow(/length is zero/);
    expect(() => checkMessage(new Message('T', Buffer.alloc(11)), 10)).toThrow(/over max value, MAX: 10/);
    expect(() => checkMessage(new Message('TBW102', 'x'))).toThrow(/default topic/);
    expect(() => checkMessage(new Message('SCHEDULE_TOPIC_XXXX', 'x'))).toThrow(/forbidden/);
    try {
      checkMessage(new Message('bad topic', 'x'));
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('ERR_CLIENT_INVALID_MESSAGE');
    }
  });
});
