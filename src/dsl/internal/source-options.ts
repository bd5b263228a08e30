import type { SourceOptions } from '../../topology/topology.js';
import type { SourceSpec } from './stream-source-node.js';

/** `Topology.addSource` options without undefined entries, so the topology's defaults apply to what is left out. */
export function sourceOptions(spec: SourceSpec): SourceOptions {
  return {
    ...(spec.keySerde === undefined ? {} : { keySerde: spec.keySerde }),
    ...(spec.valueSerde === undefined ? {} : { valueSerde: spec.valueSerde }),
    ...(spec.timestampExtractor === undefined ? {} : { timestampExtractor: spec.timestampExtractor }),
    ...(spec.offsetReset === undefined ? {} : { offsetReset: spec.offsetReset }),
  };
}
