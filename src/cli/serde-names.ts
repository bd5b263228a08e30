/**
 * Serdes named in text config (`default.key.serde=String`): files and environment variables
 * cannot hold objects, so the built-in serdes are looked up by name. Java users' class names
 * (`org.apache.kafka.common.serialization.Serdes$StringSerde`) resolve to the same serdes.
 */
import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serdes.js';

const FACTORIES: Readonly<Record<string, () => Serde<unknown>>> = {
  String: () => Serdes.String() as Serde<unknown>,
  ByteArray: () => Serdes.ByteArray() as Serde<unknown>,
  Bytes: () => Serdes.Bytes() as Serde<unknown>,
  ByteBuffer: () => Serdes.ByteBuffer() as Serde<unknown>,
  Short: () => Serdes.Short() as Serde<unknown>,
  Integer: () => Serdes.Integer() as Serde<unknown>,
  Long: () => Serdes.Long() as Serde<unknown>,
  LongBigInt: () => Serdes.LongBigInt() as Serde<unknown>,
  Double: () => Serdes.Double() as Serde<unknown>,
  Float: () => Serdes.Float() as Serde<unknown>,
  Boolean: () => Serdes.Boolean() as Serde<unknown>,
  Json: () => Serdes.Json<unknown>(),
  Void: () => Serdes.Void() as Serde<unknown>,
  UUID: () => Serdes.UUID() as Serde<unknown>,
};

/** The names {@link serdeByName} accepts (without the optional prefixes and `Serde` suffix). */
export const serdeNames: readonly string[] = Object.keys(FACTORIES);

/**
 * The built-in serde called `name`: `String`, `Serdes.String`, `StringSerde`, or Java's
 * `org.apache.kafka.common.serialization.Serdes$StringSerde` (case-insensitive).
 * @throws ConfigException naming the config key and the accepted names
 */
export function serdeByName(name: string, key: string): Serde<unknown> {
  const bare = name.trim()
    .replace(/^org\.apache\.kafka\.common\.serialization\./, '')
    .replace(/^Serdes[.$]/, '')
    .replace(/Serde$/, '');
  const match = Object.keys(FACTORIES).find((known) => known.toLowerCase() === bare.toLowerCase());
  if (match === undefined) {
    throw new ConfigException(`Config '${key}' must name a built-in serde (${serdeNames.join(', ')}), but got: '${name}'`);
  }
  return FACTORIES[match]!();
}
