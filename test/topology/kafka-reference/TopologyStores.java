// Reference outputs for test/topology/topology-stores.test.ts: the same Processor-API topologies
// with state stores built with Kafka Streams itself, so the expected describe() texts and
// changelog topic configs in our tests are Kafka's, not our reading of its rules.
// Not part of the build. Run it with the Kafka jars that scripts/kafka-local and Maven cache:
//
//   M=~/.m2/repository/org/apache/kafka; L=.kafka-local/libs-4.1.2
//   CP="$M/kafka-streams/4.1.2/kafka-streams-4.1.2.jar:$L/kafka-clients-4.1.2.jar:$L/slf4j-api-1.7.36.jar:$HOME/.m2/repository/org/rocksdb/rocksdbjni/9.7.3/rocksdbjni-9.7.3.jar"
//   javac -d /tmp/topology-ref -cp "$CP" test/topology/kafka-reference/TopologyStores.java && java -cp "$CP:/tmp/topology-ref" TopologyStores

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalTopicConfig;
import org.apache.kafka.streams.processor.internals.InternalTopologyBuilder;
import org.apache.kafka.streams.state.Stores;

public class TopologyStores {
    static <K, V> ProcessorSupplier<K, V, K, V> noop() {
        return () -> new Processor<K, V, K, V>() {
            @Override public void process(final Record<K, V> record) { }
        };
    }

    static <K, V> ProcessorSupplier<K, V, Void, Void> globalNoop() {
        return () -> new Processor<K, V, Void, Void>() {
            @Override public void process(final Record<K, V> record) { }
        };
    }

    static void print(final String title, final Topology topology) throws Exception {
        System.out.println("=== " + title);
        System.out.print(topology.describe().toString());
        final Field f = Topology.class.getDeclaredField("internalTopologyBuilder");
        f.setAccessible(true);
        final InternalTopologyBuilder builder = (InternalTopologyBuilder) f.get(topology);
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        builder.setApplicationId("app");
        builder.rewriteTopology(new StreamsConfig(props));
        builder.buildTopology();
        for (final Map.Entry<?, InternalTopologyBuilder.TopicsInfo> e : builder.subtopologyToTopicsInfo().entrySet()) {
            for (final Map.Entry<String, InternalTopicConfig> c : e.getValue().stateChangelogTopics.entrySet()) {
                System.out.println("changelog " + e.getKey() + " " + c.getKey() + " " + new TreeMap<>(c.getValue().properties(Map.of(), 86400000L)));
            }
        }
        System.out.println("global stores " + new TreeMap<>(builder.globalStateStores()).keySet());
    }

    public static void main(final String[] args) throws Exception {
        Topology t = new Topology();
        t.addSource("source", "input");
        t.addProcessor("counter", noop(), "source");
        t.addProcessor("auditor", noop(), "counter");
        t.addSink("sink", "output", "counter");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.Long()), "counter");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("audit-log"), Serdes.String(), Serdes.String())
            .withLoggingEnabled(Map.of("min.insync.replicas", "2")), "counter", "auditor");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("scratch"), Serdes.String(), Serdes.String()).withLoggingDisabled(), "auditor");
        print("stores on processors", t);

        t = new Topology();
        t.addSource("left-source", "left");
        t.addProcessor("left-proc", noop(), "left-source");
        t.addSource("right-source", "right");
        t.addProcessor("right-proc", noop(), "right-source");
        t.addSource("other-source", "other");
        t.addProcessor("other-proc", noop(), "other-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("shared"), Serdes.String(), Serdes.String()), "left-proc");
        t.connectProcessorAndStateStores("right-proc", "shared");
        print("a store shared by two sub-topologies unites them", t);

        t = new Topology();
        t.addSource("first-source", "first");
        t.addProcessor("first-proc", noop(), "first-source");
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("addresses"), Serdes.String(), Serdes.String()),
            "address-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "address", "address-updater", TopologyStores.<String, String>globalNoop());
        t.addSource("second-source", "second");
        t.addProcessor("second-proc", noop(), "second-source");
        t.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore("windows", java.time.Duration.ofMinutes(10), java.time.Duration.ofMinutes(1), false), Serdes.String(), Serdes.Long()), "second-proc");
        t.addStateStore(Stores.sessionStoreBuilder(Stores.persistentSessionStore("sessions", java.time.Duration.ofMinutes(5)), Serdes.String(), Serdes.Long()), "second-proc");
        print("global store between sub-topologies, window and session changelogs", t);
    }
}
