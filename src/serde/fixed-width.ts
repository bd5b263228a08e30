import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';

/** Rejects a payload whose length is not the fixed width of the type, as Kafka's deserializers do. */
export function expectWidth(serdeName: string, data: Buffer, width: number): void {
  if (data.length !== width) {
    throw new DeserializationException(`${serdeName} expects exactly ${width} bytes, but got ${describeBytes(data)}`);
  }
}
