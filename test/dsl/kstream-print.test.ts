import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { Printed } from '../../src/dsl/printed.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

/*
 * Expected output and names from Kafka Streams' sources (apache/kafka streams/.../kstream/):
 * KStreamImpl.print names the node `KSTREAM-PRINTER-<n>` (PRINTING_NAME) unless Printed.withName;
 * PrintedInternal.build labels lines with the label, or else the processor name;
 * PrintForeachAction prints `String.format("[%s]: %s", label, mapper.apply(key, value))` with
 * println, and Printed's default mapper is `String.format("%s, %s", key, value)` ("null" for null).
 * Printed.toFile opens the file with Files.newOutputStream (CREATE, TRUNCATE_EXISTING).
 */

let stdout: MockInstance<typeof process.stdout.write>;
let printed: string;
beforeEach(() => {
  printed = '';
  stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
});
afterEach(() => {
  stdout.mockRestore();
});

async function pipe(builder: StreamsBuilder, records: Array<[string | null, string | null]>): Promise<void> {
  await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  for (const [i, [k, v]] of records.entries()) await input.pipeInput(k, v, i);
}

describe('KStream.print(Printed.toSysOut())', () => {
  it('prints "[<processor name>]: key, value" per record by default, null as "null"', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string | null, string | null>('in').print(Printed.toSysOut());
    await pipe(builder, [['a', '1'], [null, null]]);
    expect(printed).toBe('[KSTREAM-PRINTER-0000000001]: a, 1\n[KSTREAM-PRINTER-0000000001]: null, null\n');
  });

  it('uses the label and the mapper', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').mapValues((v) => Number(v))
      .print(Printed.toSysOut<string, number>().withLabel('x').withKeyValueMapper((k, v) => `${k}->${v * 2}`));
    await pipe(builder, [['a', '1'], ['b', '21']]);
    expect(printed).toBe('[x]: a->2\n[x]: b->42\n');
  });

  it('prints objects as JSON and other values as String() does', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').mapValues((v) => ({ v, n: [1] })).print(Printed.toSysOut<string, { v: string; n: number[] }>().withLabel('o'));
    await pipe(builder, [['k', 'z']]);
    expect(printed).toBe('[o]: k, {"v":"z","n":[1]}\n');
  });

  it('is terminal and shows in describe() as Kafka\'s KSTREAM-PRINTER node', () => {
    const builder = new StreamsBuilder();
    const result = builder.stream<string, string>('in').print(Printed.toSysOut());
    expect(result).toBeUndefined();
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n'
      + '   Sub-topology: 0\n'
      + '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n'
      + '      --> KSTREAM-PRINTER-0000000001\n'
      + '    Processor: KSTREAM-PRINTER-0000000001 (stores: [])\n'
      + '      --> none\n'
      + '      <-- KSTREAM-SOURCE-0000000000\n\n',
    );
  });

  it('withName names the node, and the label defaults to that name', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').print(Printed.toSysOut<string, string>().withName('debug-out'));
    expect(builder.build().describe().toString()).toContain('Processor: debug-out (stores: [])\n      --> none\n');
    await pipe(builder, [['a', '1']]);
    expect(printed).toBe('[debug-out]: a, 1\n');
  });

  it('validates its arguments', () => {
    expect(() => Printed.toSysOut().withLabel(null as unknown as string)).toThrow(TypeError);
    expect(() => Printed.toSysOut().withKeyValueMapper(null as unknown as () => string)).toThrow(TypeError);
    expect(() => Printed.toSysOut().withName('bad name')).toThrow(TopologyException);
    expect(() => new StreamsBuilder().stream('in').print(null as unknown as Printed<unknown, unknown>)).toThrow(TypeError);
  });
});

describe('KStream.print(Printed.toFile(path))', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kstreams-print-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the lines to the file, truncating what was there, and nothing to stdout', async () => {
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'old content that must go\n');
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').print(Printed.toFile<string, string>(file).withLabel('f'));
    await pipe(builder, [['a', '1'], ['b', '2']]);
    expect(readFileSync(file, 'utf8')).toBe('[f]: a, 1\n[f]: b, 2\n');
    expect(printed).toBe('');
  });

  it('creates the file when toFile is called, as Java opens it then', () => {
    const file = join(dir, 'created.txt');
    Printed.toFile(file);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('throws TopologyException for an empty path or a file it cannot open', () => {
    expect(() => Printed.toFile('  ')).toThrow(TopologyException);
    expect(() => Printed.toFile(join(dir, 'no-such-dir', 'x.txt'))).toThrow(/Unable to write stream to file at \[.*x\.txt\]/);
  });
});
