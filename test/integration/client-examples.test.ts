// Proves every example in examples/ runs as documented against real bin/mqnamesrv + bin/mqbroker
// processes, with NAMESRV_ADDR exported and HOME pointed at a tmp dir (so client logs and
// broadcasting offset files stay out of the real home): the sync, async and one-way producers
// exit 0 having sent their messages; two clustering consumers of one group together print every
// message exactly once; two broadcasting consumers each print every TagA message.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotingClient } from '../../src/remoting/client.js';
import { type PetrelProcess, spawnPetrel, stopAllPetrel, waitFor } from '../helpers/process.js';
import { type Cluster, createTopic, startCluster } from './broker-data-cluster.js';

let cluster: Cluster;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startCluster();
  env = { NAMESRV_ADDR: cluster.namesrvAddress, HOME: join(cluster.dir, 'home'), MESSAGE_COUNT: '20' };
  const admin = new RemotingClient();
  for (const topic of ['ExSync', 'ExAsync', 'ExOneway', 'ExCluster', 'ExBroadcast']) await createTopic(cluster, admin, topic);
  admin.close();
});

afterAll(async () => {
  await stopAllPetrel();
  await cluster?.stop();
});

async function runToEnd(example: string, topic: string): Promise<PetrelProcess> {
  const run = await spawnPetrel(`dist/examples/${example}.js`, [], { env: { ...env, TOPIC: topic } });
  expect(await run.exited, `${example}: ${run.stderr()}`).toBe(0);
  return run;
}

function bodies(output: string): string[] {
  return [...output.matchAll(/body=(.*)$/gm)].map((match) => match[1] as string);
}

describe('examples', () => {
  it('sync, async and one-way producers send their messages', async () => {
    const sync = await runToEnd('sync-producer', 'ExSync');
    expect(sync.stdout().match(/sendStatus=SEND_OK/g)).toHaveLength(20);
    const async = await runToEnd('async-producer', 'ExAsync');
    expect(async.stdout().match(/^\d+ OK [0-9A-F]{32}$/gm)).toHaveLength(20);
    const oneway = await runToEnd('oneway-producer', 'ExOneway');
    expect(oneway.stdout()).toContain('sent 20 one-way messages');
  });

  it('clustering consumers split the messages; broadcasting consumers each get all', async () => {
    const clusterEnv = { ...env, TOPIC: 'ExCluster', GROUP: 'ex_cluster' };
    const first = await spawnPetrel('dist/examples/clustering-consumer.js', [], { env: clusterEnv, readyPattern: /Consumer Started/ });
    const second = await spawnPetrel('dist/examples/clustering-consumer.js', [], { env: clusterEnv, readyPattern: /Consumer Started/ });
    const castEnv = { ...env, TOPIC: 'ExBroadcast', GROUP: 'ex_broadcast' };
    const castA = await spawnPetrel('dist/examples/broadcasting-consumer.js', [], { env: castEnv, readyPattern: /Consumer Started/ });
    const castB = await spawnPetrel('dist/examples/broadcasting-consumer.js', [], { env: castEnv, readyPattern: /Consumer Started/ });
    // Let the two clustering consumers see each other (heartbeat, NOTIFY, rebalance) first.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await runToEnd('sync-producer', 'ExCluster');
    await runToEnd('sync-producer', 'ExBroadcast');
    const expected = Array.from({ length: 20 }, (_, i) => `Hello RocketMQ ${i}`).sort();
    await waitFor(() => bodies(first.stdout()).length + bodies(second.stdout()).length >= 20, 'clustering consumers', 20_000);
    await waitFor(() => bodies(castA.stdout()).length >= 20 && bodies(castB.stdout()).length >= 20, 'broadcast consumers', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...bodies(first.stdout()), ...bodies(second.stdout())].sort()).toEqual(expected);
    expect(bodies(castA.stdout()).sort()).toEqual(expected);
    expect(bodies(castB.stdout()).sort()).toEqual(expected);
    for (const run of [first, second, castA, castB]) expect(await run.stop()).toBe(0);
  });
});
