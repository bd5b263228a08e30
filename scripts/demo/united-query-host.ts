/**
 * One query view over several applications of one process, so that a single GraphQL server
 * (port 4000) answers for the stores of every demo topology.
 *
 * Each demo topology is its own application (its own `application.id`, consumer group and
 * tasks), and a query server serves one `QueryHost`. All of them share this process's
 * `application.server`, so the instances of the group are the same processes for every app;
 * the united host merges them per endpoint.
 *
 * Topics are shown qualified by the application that reads them (`<application.id>/<topic>`):
 * two apps may read the same topic (`address` by the table and by the join) and, with several
 * demo processes, hold its partitions on different instances. Qualifying keeps "which instance
 * holds partition p of this store" answered by the right group.
 */
import type { TopicPartition } from '../../src/kafka/port.js';
import type { Serde } from '../../src/serde/serde.js';
import type { HostPartitions, LocalStorePartition, QueryHost, QueryableStoreInfo, StoreChange } from '../../src/query/query-host.js';

/** One application's query view, named by its `application.id`. */
export interface AppQueryHost {
  readonly applicationId: string;
  readonly host: QueryHost;
}

// Worst first: the united state is the first of these that any store-serving app is in.
const STATE_ORDER = ['ERROR', 'PENDING_ERROR', 'NOT_RUNNING', 'PENDING_SHUTDOWN', 'CREATED', 'REBALANCING', 'RUNNING'];

/** `<application.id>/<topic>`: Kafka topic names cannot contain '/', so this never collides with a real one. */
export function qualifiedTopic(applicationId: string, topic: string): string {
  return `${applicationId}/${topic}`;
}

/**
 * Unites `apps` under `endpoint`. Both are read at every call: the demo learns its port (and
 * starts its apps) after the server listens. A store name served by two apps is answered by
 * the first.
 * The state is the worst state of the apps that hold queryable stores (an app without stores
 * cannot make queries of the others fail).
 */
export function unitedQueryHost(endpoint: () => string, apps: readonly AppQueryHost[]): QueryHost {
  const ownerOf = (store: string): AppQueryHost | undefined => apps.find((a) => a.host.stores().some((s) => s.name === store));
  const withStores = (): readonly AppQueryHost[] => {
    const serving = apps.filter((a) => a.host.stores().length > 0);
    return serving.length > 0 ? serving : apps;
  };
  return {
    get endpoint() {
      return endpoint();
    },
    state: () => {
      const states = withStores().map((a) => a.host.state());
      return STATE_ORDER.find((s) => states.includes(s)) ?? states[0] ?? 'CREATED';
    },
    stores: () => {
      const seen = new Set<string>();
      const out: QueryableStoreInfo[] = [];
      for (const app of apps) {
        for (const info of app.host.stores()) {
          if (seen.has(info.name)) continue;
          seen.add(info.name);
          out.push({ ...info, sourceTopics: info.sourceTopics.map((t) => qualifiedTopic(app.applicationId, t)), keySerde: unqualifying(info.keySerde) });
        }
      }
      return out;
    },
    instances: () => mergeInstances(apps),
    localStores: (name): readonly LocalStorePartition[] => ownerOf(name)?.host.localStores(name) ?? [],
    subscribeChanges(listener: (change: StoreChange) => void): () => void {
      const stops = apps.map((a) => a.host).filter((h) => h.subscribeChanges !== undefined).map((h) => h.subscribeChanges!((change) => {
        // Only the app that answers for the store speaks for it.
        if (ownerOf(change.store)?.host === h) listener(change);
      }));
      return () => stops.forEach((stop) => stop());
    },
  };
}

/** The key serde is called with `sourceTopics[0]` to find a key's partition: hand it the real topic name. */
function unqualifying<T>(serde: Serde<T>): Serde<T> {
  const topicOf = (name: string): string => name.slice(name.indexOf('/') + 1);
  return {
    serialize: (topic, data, headers) => serde.serialize(topicOf(topic), data, headers),
    deserialize: (topic, data, headers) => serde.deserialize(topicOf(topic), data, headers),
  };
}

function mergeInstances(apps: readonly AppQueryHost[]): HostPartitions[] {
  const byEndpoint = new Map<string, { active: TopicPartition[]; standby: TopicPartition[] }>();
  for (const app of apps) {
    for (const instance of app.host.instances()) {
      let merged = byEndpoint.get(instance.endpoint);
      if (merged === undefined) byEndpoint.set(instance.endpoint, (merged = { active: [], standby: [] }));
      const qualify = (tp: TopicPartition): TopicPartition => ({ topic: qualifiedTopic(app.applicationId, tp.topic), partition: tp.partition });
      merged.active.push(...instance.active.map(qualify));
      merged.standby.push(...instance.standby.map(qualify));
    }
  }
  return [...byEndpoint].map(([endpoint, { active, standby }]) => ({ endpoint, active, standby }));
}
