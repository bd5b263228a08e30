import { closeSync, openSync, writeSync } from 'node:fs';
import { TopologyException } from '../errors.js';
import type { KeyValueMapper } from './functions.js';
import { validateName } from './named.js';

/**
 * Where `KStream.print` writes its lines. Shared by the printer processors of all tasks: each
 * processor `open`s it in `init` and `close`s it in `close`, and a file is closed when the last one
 * closes (reopened for appending if a task starts again afterwards).
 * @internal
 */
export interface PrintSink {
  open(): void;
  writeLine(line: string): void;
  close(): void;
}

const sysOut: PrintSink = {
  open: () => undefined,
  writeLine: (line) => void process.stdout.write(`${line}\n`),
  close: () => undefined,
};

class FileSink implements PrintSink {
  #fd: number | undefined;
  #users = 0;

  constructor(private readonly path: string) {
    this.#fd = openSync(path, 'w');
  }

  open(): void {
    this.#fd ??= openSync(this.path, 'a');
    this.#users += 1;
  }

  writeLine(line: string): void {
    this.#fd ??= openSync(this.path, 'a');
    writeSync(this.#fd, `${line}\n`);
  }

  close(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users === 0 && this.#fd !== undefined) {
      closeSync(this.#fd);
      this.#fd = undefined;
    }
  }
}

/** Kafka's default mapper is `String.format("%s, %s", key, value)`; objects print as JSON here. */
function show(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) || proto === Object.prototype || proto === null) {
      try {
        return JSON.stringify(value);
      } catch {
        return String(value);
      }
    }
  }
  return String(value);
}

const defaultMapper = (key: unknown, value: unknown): string => `${show(key)}, ${show(value)}`;

/**
 * How `KStream.print` prints (Kafka's `Printed`): to stdout or to a file, each record as one line
 * `[label]: <mapper(key, value)>`. The label defaults to the processor's name
 * (`KSTREAM-PRINTER-<n>`), the mapper to `key, value`, with `null` as `null`, plain objects and
 * arrays as JSON and anything else as `String()` gives it. Immutable: every `with*` returns a copy.
 *
 * @example stream.print(Printed.toSysOut<string, number>().withLabel('counts'))
 * @example stream.print(Printed.toFile('/tmp/out.txt').withKeyValueMapper((k, v) => `${k}=${v}`))
 */
export class Printed<K, V> {
  private constructor(
    /** @internal */
    readonly sink: PrintSink,
    readonly label: string | undefined,
    readonly mapper: KeyValueMapper<K, V, string>,
    readonly processorName: string | undefined,
  ) {}

  /** Prints to `process.stdout`, one write per record. */
  static toSysOut<K, V>(): Printed<K, V> {
    return new Printed<K, V>(sysOut, undefined, defaultMapper, undefined);
  }

  /**
   * Prints to the file at `filePath`. As Kafka, the file is created, or truncated, right away; each
   * line is written through to it as the record is processed, and the file is closed when the
   * tasks close.
   * @throws TopologyException when the path is empty or the file cannot be opened for writing
   */
  static toFile<K, V>(filePath: string): Printed<K, V> {
    if (typeof filePath !== 'string') throw new TypeError(`Printed.toFile(): filePath must be a string, but got: ${String(filePath)}`);
    if (filePath.trim().length === 0) throw new TopologyException('filePath can\'t be an empty string');
    let sink: FileSink;
    try {
      sink = new FileSink(filePath);
    } catch (error) {
      throw new TopologyException(`Unable to write stream to file at [${filePath}] ${(error as Error).message}`);
    }
    return new Printed<K, V>(sink, undefined, defaultMapper, undefined);
  }

  /** The label in front of each line (instead of the processor's name). */
  withLabel(label: string): Printed<K, V> {
    if (typeof label !== 'string') throw new TypeError(`Printed.withLabel(): label must be a string, but got: ${String(label)}`);
    return new Printed(this.sink, label, this.mapper, this.processorName);
  }

  /** What is printed after the label for each record (instead of `key, value`). */
  withKeyValueMapper(mapper: KeyValueMapper<K, V, string>): Printed<K, V> {
    if (typeof mapper !== 'function') throw new TypeError(`Printed.withKeyValueMapper(): mapper must be a function, but got: ${String(mapper)}`);
    return new Printed(this.sink, this.label, mapper, this.processorName);
  }

  /** The processor's name (instead of `KSTREAM-PRINTER-<n>`). */
  withName(processorName: string): Printed<K, V> {
    validateName(processorName);
    return new Printed(this.sink, this.label, this.mapper, processorName);
  }
}
