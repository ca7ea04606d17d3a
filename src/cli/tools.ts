import {
  ConsumeConcurrentlyStatus, type MessageExt, Message, Producer, PushConsumer,
} from '../client/index.js';
import { parseCommandLine } from '../common/config/load.js';
import { describeError, exitAfterFlush, fail, onShutdownSignals } from './run-process.js';

/**
 * bin/tools <mainClass> [--key=value ...]   (reference §9.1 tools.sh, §9.2 quickstart)
 *
 * Runs one of the seed's example programs by its Java main class name or a short alias:
 *   org.apache.rocketmq.example.quickstart.Producer | quickstart-producer
 *   org.apache.rocketmq.example.quickstart.Consumer | quickstart-consumer
 * The NameServer comes from NAMESRV_ADDR (or --namesrvAddr). The producer sends
 * `Hello RocketMQ <i>` to TopicTest with tag TagA (1000 messages), printing each SendResult;
 * the consumer (group please_rename_unique_group_name_4, from the first offset) prints what it
 * receives until SIGTERM/SIGINT, then shuts down gracefully. Options (for tests and demos):
 * --namesrvAddr, --topic, --count, --group, --transport=tcp|ws, --logDir.
 */
const PRODUCER_MAINS = ['org.apache.rocketmq.example.quickstart.Producer', 'quickstart-producer'];
const CONSUMER_MAINS = ['org.apache.rocketmq.example.quickstart.Consumer', 'quickstart-consumer'];
const OPTION_KEYS = ['namesrvAddr', 'topic', 'count', 'group', 'transport', 'logDir'] as const;
type ToolOptions = Partial<Record<(typeof OPTION_KEYS)[number], string>>;

const USAGE = `usage: tools <mainClass> [--key=value ...]
  ${PRODUCER_MAINS.join(' | ')}
  ${CONSUMER_MAINS.join(' | ')}
options: ${OPTION_KEYS.map((key) => `--${key}`).join(' ')}`;

function clientOptions(options: ToolOptions): { namesrvAddr?: string; transport?: 'tcp' | 'ws'; logDir?: string } {
  const transport = options.transport;
  if (transport !== undefined && transport !== 'tcp' && transport !== 'ws') throw new Error(`--transport must be tcp or ws`);
  return {
    ...(options.namesrvAddr === undefined ? {} : { namesrvAddr: options.namesrvAddr }),
    ...(transport === undefined ? {} : { transport }),
    ...(options.logDir === undefined ? {} : { logDir: options.logDir }),
  };
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function runProducer(options: ToolOptions): Promise<void> {
  const producer = new Producer({
    groupName: options.group ?? 'please_rename_unique_group_name', ...clientOptions(options),
  });
  await producer.start();
  const topic = options.topic ?? 'TopicTest';
  const count = Number(options.count ?? 1000);
  for (let i = 0; i < count; i++) {
    try {
      const message = new Message(topic, 'TagA', `Hello RocketMQ ${i}`);
      const sendResult = await producer.send(message);
      console.log(sendResult.toString());
    } catch (error) {
      console.error(error instanceof Error ? error.stack : String(error));
      await sleep(1000);
    }
  }
  await producer.shutdown();
}

async function runConsumer(options: ToolOptions): Promise<void> {
  const consumer = new PushConsumer({
    groupName: options.group ?? 'please_rename_unique_group_name_4',
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...clientOptions(options),
  });
  consumer.subscribe(options.topic ?? 'TopicTest', '*');
  let thread = 0;
  consumer.registerMessageListener((messages: MessageExt[]) => {
    thread = (thread % 20) + 1;
    console.log(`ConsumeMessageThread_${thread} Receive New Messages: [${messages.map((m) => m.toString()).join(', ')}]`);
    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
  });
  await consumer.start();
  onShutdownSignals(() => consumer.shutdown());
  console.log('Consumer Started.');
}

async function main(argv: readonly string[]): Promise<void> {
  const [mainClass, ...rest] = argv;
  if (mainClass === undefined || mainClass === '-h' || mainClass === '--help') {
    console.log(USAGE);
    process.exit(mainClass === undefined ? 1 : 0);
  }
  const { overrides } = parseCommandLine(rest, []);
  for (const key of Object.keys(overrides)) {
    if (!(OPTION_KEYS as readonly string[]).includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  }
  const options = overrides as ToolOptions;
  if (PRODUCER_MAINS.includes(mainClass)) {
    await runProducer(options);
    exitAfterFlush(0);
  } else if (CONSUMER_MAINS.includes(mainClass)) {
    await runConsumer(options);
  } else {
    throw new Error(`unknown main class ${mainClass}\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof Error && !('code' in error)) {
    console.error(describeError(error));
    exitAfterFlush(1);
  }
  fail(error);
});
