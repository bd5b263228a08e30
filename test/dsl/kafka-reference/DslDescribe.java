// Reference outputs for test/dsl/describe.test.ts, test/dsl/* and test/examples/*: the same DSL programs run with
// Kafka Streams itself, so the expected texts in our tests are Kafka's, not our reading of its rules.
// Not part of the build. Run it with the Kafka jars that scripts/kafka-local and Maven cache:
//
//   M=~/.m2/repository/org/apache/kafka; L=.kafka-local/libs-4.1.2
//   CP="$M/kafka-streams/4.1.2/kafka-streams-4.1.2.jar:$M/kafka-streams-test-utils/4.1.2/kafka-streams-test-utils-4.1.2.jar:$L/kafka-clients-4.1.2.jar:$L/slf4j-api-1.7.36.jar"
//   javac -d /tmp/dsl-ref -cp "$CP" test/dsl/kafka-reference/DslDescribe.java && java -cp "$CP:/tmp/dsl-ref" DslDescribe

import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.Processor;

public class DslDescribe {
    static void print(final String title, final StreamsBuilder builder) {
        System.out.println("=== " + title);
        System.out.print(builder.build().describe().toString());
    }

    public static void main(final String[] args) {
        StreamsBuilder b = new StreamsBuilder();
        b.<String, String>stream("stream_log").filter((k, v) -> v.length() > 5).to("stream_log_filter");
        print("filter", b);

        b = new StreamsBuilder();
        final KStream<Integer, Integer> parent = b.stream("input_topic", Consumed.with(Serdes.Integer(), Serdes.Integer())).selectKey(Integer::sum);
        final KStream<Integer, Integer> child1 = parent.mapValues(v -> v + 1);
        final KStream<Integer, Integer> child2 = parent.mapValues(v -> v + 2);
        final KStream<Integer, Integer> child3 = parent.mapValues(v -> v + 3);
        child1.merge(child2).merge(child3).to("output_topic");
        print("merge", b);

        b = new StreamsBuilder();
        b.<String, String>stream("customer-input").repartition(Repartitioned.numberOfPartitions(10)).foreach((k, v) -> { });
        print("repartition", b);

        b = new StreamsBuilder();
        b.<String, String>stream("in").selectKey((k, v) -> v).repartition(Repartitioned.as("by-value")).to("out");
        print("named repartition", b);

        b = new StreamsBuilder();
        b.<String, String>stream("in").split()
            .branch((k, v) -> v.equals("some-value"), Branched.withConsumer(ks -> ks.map(KeyValue::pair).peek((k, v) -> { }).to("external-command")))
            .defaultBranch(Branched.withConsumer(ks -> {
                ks.filter((k, v) -> v != null).peek((k, v) -> { }).mapValues(v -> v).to("dlq-topic");
                ks.map(KeyValue::pair).to("retryTopic");
            }));
        print("split", b);

        b = new StreamsBuilder();
        final KStream<String, String> filtered = b.<String, String>stream("topic").merge(b.stream("other-topic")).filter((k, v) -> v.equals("foo"));
        b.build();
        filtered.mapValues(v -> v + "some value").to("output-topic");
        print("incremental", b);

        b = new StreamsBuilder();
        b.<String, String>stream("b-topic", Consumed.as("zeta")).to("b-out");
        b.<String, String>stream("a-topic", Consumed.as("alpha")).peek((k, v) -> { }, Named.as("look")).to("a-out");
        print("two sources", b);

        b = new StreamsBuilder();
        b.<String, String>stream("same").filter((k, v) -> true).to("a");
        b.<String, String>stream("same").mapValues(v -> v).to("b");
        print("same topic twice", b);

        // examples/processor.ts, hand-built; Kafka prints a TopicNameExtractor with its toString().
        final Topology processor = new Topology();
        processor.addSource("log-source", new StringDeserializer(), new StringDeserializer(), "stream_log");
        processor.addProcessor("log-router", () -> new Processor<String, String, String, String>() {
            @Override
            public void process(final org.apache.kafka.streams.processor.api.Record<String, String> record) { }
        }, "log-source");
        processor.addSink("routed-sink", new TopicNameExtractor<String, String>() {
            @Override
            public String extract(final String key, final String value, final RecordContext context) {
                return "log_other";
            }

            @Override
            public String toString() {
                return "routeByLevel";
            }
        }, new StringSerializer(), new StringSerializer(), "log-router");
        processor.addSink("summary-sink", "log_summary", new StringSerializer(), new StringSerializer(), "log-router");
        System.out.println("=== processor example");
        System.out.print(processor.describe().toString());

        // Behaviour checks: split() map keys, and repartition() dropping null keys.
        b = new StreamsBuilder();
        System.out.println("=== split keys: " + new TreeSet<>(b.<String, String>stream("in").split(Named.as("lvl-"))
            .branch((k, v) -> true, Branched.as("error")).branch((k, v) -> true).defaultBranch().keySet()));

        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        b = new StreamsBuilder();
        b.<String, String>stream("in").repartition().to("out");
        try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), props)) {
            final TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            in.pipeInput(null, "no key", 1L);
            in.pipeInput("k", "keyed", 2L);
            System.out.println("=== repartition output: "
                + driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer()).readKeyValuesToList());
        }
    }
}
