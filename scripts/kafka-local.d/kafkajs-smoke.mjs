// Smoke test of kafkajs against the broker scripts/kafka-local runs: produce, consume in a
// group, a committed transaction with consumer offsets and an aborted one that a
// read_committed consumer never sees. Exits non-zero on the first thing that does not work.
// This decided the pinned broker version (see pom.xml). Usage:
//   node scripts/kafka-local.d/kafkajs-smoke.mjs [bootstrap]   (default: $KAFKA_BOOTSTRAP_SERVERS)
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const bootstrap = process.argv[2] ?? process.env.KAFKA_BOOTSTRAP_SERVERS;
if (!bootstrap) {
  console.error('usage: node kafkajs-smoke.mjs <bootstrap>');
  process.exit(2);
}
const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const kafka = new Kafka({ clientId: 'kafkajs-smoke', brokers: bootstrap.split(','), logLevel: logLevel.ERROR });
const admin = kafka.admin();
const clients = [admin];

function check(condition, message) {
  if (!condition) throw new Error(`FAILED: ${message}`);
  console.log(`ok: ${message}`);
}

/** Consumes `topic` from the start in a fresh group until `count` records or `timeoutMs`. */
async function consume(topic, count, { readUncommitted = false, timeoutMs = 20_000 } = {}) {
  const consumer = kafka.consumer({ groupId: `smoke-group-${topic}-${readUncommitted}`, readUncommitted });
  const seen = [];
  clients.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
        if (seen.length >= count) { clearTimeout(timer); resolve(); }
      },
    });
  });
  await done;
  await consumer.disconnect();
  return seen;
}

try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  check(cluster.brokers.length > 0, `describeCluster: ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);

  const plain = `smoke-plain-${suffix}`;
  const txOut = `smoke-tx-${suffix}`;
  check(await admin.createTopics({ topics: [{ topic: plain, numPartitions: 3 }, { topic: txOut, numPartitions: 1 }], waitForLeaders: true }), 'createTopics');

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  clients.push(producer);
  await producer.connect();
  await producer.send({ topic: plain, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  check(true, 'idempotent produce of 10 records');
  const consumed = await consume(plain, 10);
  check(consumed.length === 10, `group consume read ${consumed.length}/10`);
  await producer.disconnect();

  const tx = kafka.producer({ transactionalId: `smoke-tx-${suffix}`, idempotent: true, maxInFlightRequests: 1 });
  clients.push(tx);
  await tx.connect();
  const committed = await tx.transaction();
  await committed.send({ topic: txOut, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
  await committed.sendOffsets({ consumerGroupId: `smoke-eos-${suffix}`, topics: [{ topic: plain, partitions: [{ partition: 0, offset: '3' }] }] });
  await committed.commit();
  check(true, 'transaction with sendOffsets committed');
  // The commit markers reach __consumer_offsets asynchronously after EndTxn, and kafkajs's
  // OffsetFetch cannot ask for stable offsets: poll briefly.
  let p0;
  for (let attempt = 0; attempt < 50 && p0?.offset !== '3'; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const offsets = await admin.fetchOffsets({ groupId: `smoke-eos-${suffix}`, topics: [plain] });
    p0 = offsets[0].partitions.find((p) => p.partition === 0);
  }
  check(p0?.offset === '3', `transactional offset commit visible (partition 0 at ${p0?.offset})`);

  const aborted = await tx.transaction();
  await aborted.send({ topic: txOut, messages: [{ value: 'aborted-1' }] });
  await aborted.abort();
  const after = await tx.transaction();
  await after.send({ topic: txOut, messages: [{ value: 'committed-3' }] });
  await after.commit();
  await tx.disconnect();

  const readCommitted = await consume(txOut, 3);
  check(JSON.stringify(readCommitted) === JSON.stringify(['committed-1', 'committed-2', 'committed-3']),
    `read_committed sees only committed records: ${readCommitted.join(',')}`);
  const readUncommitted = await consume(txOut, 4, { readUncommitted: true });
  check(readUncommitted.includes('aborted-1'), `read_uncommitted sees the aborted record too: ${readUncommitted.join(',')}`);

  await admin.deleteTopics({ topics: [plain, txOut] });
  console.log('kafkajs smoke test passed');
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await Promise.all(clients.map((client) => client.disconnect().catch(() => {})));
}
