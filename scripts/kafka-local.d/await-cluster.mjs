// Waits until an admin client can describe the cluster at <bootstrap> and sees <brokers>
// brokers, or fails after <timeoutMs>. Used by scripts/kafka-local start.
// Usage: node await-cluster.mjs <bootstrap> <brokers> <timeoutMs>
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [bootstrap, brokersArg = '1', timeoutArg = '90000'] = process.argv.slice(2);
if (!bootstrap) {
  console.error('usage: node await-cluster.mjs <bootstrap> <brokers> <timeoutMs>');
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

let lastProblem = 'no answer yet';
while (Date.now() < deadline) {
  try {
    const cluster = await describeOnce();
    if (cluster.brokers.length >= wanted && cluster.controller !== null) {
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
