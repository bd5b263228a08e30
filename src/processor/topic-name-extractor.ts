import type { RecordContext } from './record-metadata.js';

/**
 * Chooses the output topic of each record for `addSink(name, extractor)` / `to(extractor)`
 * (Kafka's `TopicNameExtractor`). The topic must exist (it is not created for you).
 *
 * @example
 * const byLevel: TopicNameExtractor<string, string> = (_k, v) => (v.startsWith('ERROR') ? 'errors' : 'other');
 */
export type TopicNameExtractor<K, V> = (key: K, value: V, recordContext: RecordContext) => string;
