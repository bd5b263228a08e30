import { describe, expect, it } from 'vitest';
import { ConfigException } from '../../src/errors.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { filterTopology, streamsConfig } from './runtime-helpers.js';

// What each guarantee does is tested in kafka-streams-eos.test.ts (embedded) and
// test/integration/eos-runtime.test.ts (real broker); here only which values are accepted.
describe('processing.guarantee', () => {
  it.each(['exactly_once_v2', 'exactly_once', 'at_least_once'] as const)('%s is accepted', (guarantee) => {
    expect(() => new KafkaStreams(filterTopology('in', 'out'), streamsConfig('embedded://guarantee', 'app', { 'processing.guarantee': guarantee }))).not.toThrow();
  });

  it('at_least_once is the default', () => {
    expect(() => new KafkaStreams(filterTopology('in', 'out'), streamsConfig('embedded://guarantee', 'app', {}))).not.toThrow();
  });

  it('an unknown guarantee is refused with a ConfigException', () => {
    expect(() => new KafkaStreams(filterTopology('in', 'out'), streamsConfig('embedded://guarantee', 'app', { 'processing.guarantee': 'exactly_twice' as 'at_least_once' }))).toThrow(ConfigException);
  });
});
