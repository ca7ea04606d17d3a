// Child process for the store crash test (test/integration/store-crash.test.ts): opens the store
// in argv[2] with SYNC_FLUSH (argv[6] = ASYNC_FLUSH for that) and appends until killed, printing
// one line per acknowledged append: `<id> <physicalOffset> <queueOffset>`. Bodies are derived from
// the id (crashBody), so the test can check every record it reads back. argv[3] is the first id,
// argv[4] the log dir, argv[5] the tail cache bytes (64 KiB default: batch-buffer mode; 256 KiB:
// tail mode), argv[7] = committer for transientStorePoolEnable (with ASYNC_FLUSH and tail mode the
// committer thread writes the commit log). Odd ids carry
// producer-computed index-key hashes, even ids leave hashing to the store worker.
import { silentLogger } from '../../src/common/log.js';
import { encodeProperties } from '../../src/protocol/properties.js';
import { encodeRecord } from '../../src/protocol/record.js';
import { testMinStoreConfig } from '../../src/store/config.js';
import { indexKeyHashesOf } from '../../src/store/index-file.js';
import { StoreProducer } from '../../src/store/producer.js';
import { openStore } from '../../src/store/store.js';

export const CRASH_QUEUES = 4;

export function crashBody(id: number): Buffer {
  const body = Buffer.alloc(64 + (id % 200));
  for (let i = 0; i < body.length; i++) body[i] = (id * 7 + i * 13) & 0xff;
  body.writeUInt32BE(id, 0);
  return body;
}

export function crashRecord(id: number): Buffer {
  return encodeRecord({
    topic: 'CrashTopic',
    body: crashBody(id),
    properties: encodeProperties({ UNIQ_KEY: `ID${id}`, TAGS: `T${id % 3}` }),
    queueId: id % CRASH_QUEUES,
    flag: 0,
    sysFlag: 0,
    bornTimestampMs: 1_700_000_000_000 + id,
    bornHost: '10.0.0.9:4000',
  });
}

async function main(): Promise<void> {
  const [dir, firstIdText, logDir, tailCacheText, flushText, committerText] = process.argv.slice(2);
  if (dir === undefined || firstIdText === undefined) {
    throw new Error('usage: crash-child <dir> <firstId> [logDir] [tailCacheBytes] [SYNC_FLUSH|ASYNC_FLUSH] [committer]');
  }
  const config = testMinStoreConfig(dir, {
    flushDiskType: flushText === 'ASYNC_FLUSH' ? 'ASYNC_FLUSH' : 'SYNC_FLUSH',
    mappedFileSizeCommitLog: 64 * 1024,
    storeTailCacheBytes: Number(tailCacheText ?? 64 * 1024),
    transientStorePoolEnable: committerText === 'committer',
  });
  const store = await openStore(config, silentLogger, { logDir: logDir ?? dir });
  const producer = new StoreProducer(store.createProducerPort());
  let nextId = Number(firstIdText);
  let inFlight = 0;
  const submit = (): void => {
    while (inFlight < 32) {
      const id = nextId;
      const keyHashes = id % 2 === 1 ? indexKeyHashesOf('CrashTopic', `ID${id}`, undefined) : undefined;
      const status = producer.append(crashRecord(id), 0, (result) => {
        inFlight--;
        if (result.status === 'ok') process.stdout.write(`${id} ${result.physicalOffset} ${result.queueOffset}\n`);
        submit();
      }, keyHashes);
      if (status !== 'queued') {
        setTimeout(submit, 1);
        return;
      }
      nextId++;
      inFlight++;
    }
  };
  process.stdout.write('ready\n');
  submit();
}

if (process.argv[1]?.endsWith('crash-child.js') === true) await main();
