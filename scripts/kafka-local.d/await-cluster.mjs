// Waits until an admin client can describe the cluster at <bootstrap> and sees <brokers>
// brokers, or fails after <timeoutMs>. Used by scripts/kafka-local start.
// With "create-internal-topics", it then has the broker create __consumer_offsets and
// __transaction_state: Kafka creates them on first use with the configured replication factor
// (3 on a three-node cluster), which fails for good if a broker is already down by then.
// Usage: node await-cluster.mjs <bootstrap> <brokers> <timeoutMs> [create-internal-topics]
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [bootstrap, brokersArg = '1', timeoutArg = '90000', mode = ''] = process.argv.slice(2);
if (!bootstrap) {
  console.error('usage: node await-cluster.mjs <bootstrap> <brokers> <timeoutMs> [create-internal-topics]');
  process.exit(2);
}
const wanted = Number(brokersArg);
const deadline = Date.now() + Number(timeoutArg);

// One short-lived client per attempt: kafkajs's own retries would hide the deadline.
async function describeOnce() {
  const kafka = new Kafka({
    clientId: 'kafka-local-await',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function createInternalTopics() {
  const kafka = new Kafka({
    clientId: 'kafka-local-await',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  const admin = kafka.admin();
  // FindCoordinator creates the topic behind each coordinator; kafkajs retries until it leads.
  await admin.connect();
  try {
    await admin.describeGroups(['kafka-local-create-internal-topics']);
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ transactionalId: 'kafka-local-create-internal-topics', maxInFlightRequests: 1, idempotent: true });
  await producer.connect();
  await producer.disconnect();
}

let lastProblem = 'no answer yet';
while (Date.now() < deadline) {
  try {
    const cluster = await describeOnce();
    if (cluster.brokers.length >= wanted && cluster.controller !== null) {
      if (mode === 'create-internal-topics') await createInternalTopics();
      process.exit(0);
    }
    lastProblem = `${cluster.brokers.length} of ${wanted} brokers registered`;
  } catch (error) {
    lastProblem = error instanceof Error ? error.message : String(error);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`cluster at ${bootstrap} not ready after ${timeoutArg} ms: ${lastProblem}`);
process.exit(1);
