/**
 * A kafkajs `Cluster` (metadata, broker connections, raw requests) without a consumer group.
 *
 * kafkajs has no public way to get one: it builds a Cluster privately for each producer,
 * consumer and admin. But it hands that Cluster to every partition-assigner factory when it
 * creates a consumer (`PartitionAssigner = ({ cluster, groupId, logger }) => Assigner`, part
 * of its typed API). So we create a consumer object that is never connected or run (it never
 * joins the group named below, which exists only because kafkajs requires a name) and keep
 * its Cluster. The reader fetches through it and the admin uses it for the few requests kafkajs's
 * admin does not offer in the form we need.
 */
import type { Kafka } from 'kafkajs';
import type { Cluster } from './kafkajs-module.js';
import { PartitionAssigners } from './kafkajs-module.js';

export function bareCluster(kafka: Kafka, options: { readCommitted: boolean }): Cluster {
  let captured: Cluster | undefined;
  kafka.consumer({
    groupId: 'kstreams-bare-cluster-never-joined',
    readUncommitted: !options.readCommitted,
    allowAutoTopicCreation: false,
    partitionAssigners: [
      (context) => {
        captured = context.cluster;
        return PartitionAssigners.roundRobin(context);
      },
    ],
  });
  if (captured === undefined) {
    throw new Error('kafkajs did not pass its Cluster to the partition-assigner factory (is kafkajs still 2.2.4?)');
  }
  return captured;
}
