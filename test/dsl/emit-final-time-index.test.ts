import { describe, expect, it } from 'vitest';
import { EmitFinalTimeIndex, WindowEmitIndex } from '../../src/dsl/processors/emit-final-time-index.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import type { TimestampedWindowStore } from '../../src/state/timestamped-window-store.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import { TimeWindow, Windowed } from '../../src/state/windowed.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

/** An index of entries named after their position: `time/key/start`. */
function indexOf(entries: ReadonlyArray<readonly [number, string, number]>): EmitFinalTimeIndex<string> {
  const index = new EmitFinalTimeIndex<string>();
  for (const [time, key, start] of entries) index.add(time, bytes(key), start, `${time}/${JSON.stringify(key)}/${start}`);
  return index;
}

describe('EmitFinalTimeIndex', () => {
  it('gives entries by time, then key bytes as unsigned bytes with a prefix first, then start, whatever the order of adding', () => {
    const index = indexOf([
      [20, 'b', 3], [10, 'ab', 1], [10, 'a\u0000', 1], [10, 'a', 7], [10, 'a', 2], [10, '\u00ff', 0], [10, '', 5], [5, 'z', 5],
      [2 ** 40, 'a', 0], [10, 'a\u0000\u0000', 1],
    ]);
    expect(index.size).toBe(10);
    expect(index.takeThrough(0, 2 ** 40)).toEqual([
      '5/"z"/5',
      '10/""/5', '10/"a"/2', '10/"a"/7', '10/"a\\u0000"/1', '10/"a\\u0000\\u0000"/1', '10/"ab"/1', '10/"ÿ"/0',
      '20/"b"/3',
      `${2 ** 40}/"a"/0`,
    ]);
    expect(index.size).toBe(0);
  });

  it('keeps one entry per (time, key bytes, start): adding again replaces it, delete removes it', () => {
    const index = new EmitFinalTimeIndex<string>();
    index.add(10, bytes('a'), 4, 'first');
    index.add(10, bytes('a'), 4, 'second');
    index.add(10, bytes('a'), 5, 'other start');
    index.add(11, bytes('a'), 4, 'other time');
    expect(index.size).toBe(3);
    index.delete(10, bytes('a'), 5);
    index.delete(10, bytes('b'), 4); // not indexed: nothing happens
    expect(index.size).toBe(2);
    expect(index.takeThrough(0, 100)).toEqual(['second', 'other time']);
  });

  it('takes the entries up to `to`, returns those from `from`, drops the ones below unread and keeps the later ones', () => {
    const index = indexOf([[3, 'a', 3], [5, 'a', 5], [6, 'b', 6], [8, 'a', 8], [9, 'c', 9]]);
    expect(index.takeThrough(5, 8)).toEqual(['5/"a"/5', '6/"b"/6', '8/"a"/8']);
    expect(index.size).toBe(1);
    expect(index.takeThrough(0, 8)).toEqual([]);
    expect(index.takeThrough(9, 9)).toEqual(['9/"c"/9']);
  });

  it('takes nothing below time 0 or from an empty range', () => {
    const index = indexOf([[0, 'a', 0], [1, 'a', 1]]);
    expect(index.takeThrough(0, -1)).toEqual([]);
    expect(index.takeThrough(2, 1)).toEqual([]);
    expect(index.size).toBe(0);
  });
});

/** A window store of windows of size 10, holding `windows` (key, start, value), as a test double. */
function storeOf(windows: Array<[string, number, string]>): TimestampedWindowStore<string, string> & { reads: number } {
  const fake = {
    windowSizeMs: 10,
    reads: 0,
    async *all(): AsyncIterable<KeyValue<Windowed<string>, ValueAndTimestamp<string>>> {
      fake.reads++;
      const sorted = [...windows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
      for (const [key, start, value] of sorted) yield { key: new Windowed(key, new TimeWindow(start, start + 10)), value: ValueAndTimestamp.makeAllowNullable(value, start) };
    },
    async fetch(key: string, start: number): Promise<ValueAndTimestamp<string> | undefined> {
      const found = windows.find(([k, s]) => k === key && s === start);
      return found === undefined ? undefined : ValueAndTimestamp.makeAllowNullable(found[2], found[1]);
    },
  };
  return fake as unknown as TimestampedWindowStore<string, string> & { reads: number };
}

describe('WindowEmitIndex', () => {
  const show = (entries: Array<KeyValue<Windowed<string>, ValueAndTimestamp<string>>>): string[] =>
    entries.map(({ key, value }) => `${key.key()}@${key.window().start()}/${key.window().end()}=${value.value}`);

  it('indexes what the store holds once, then the windows added; gives them by start then key with the values the store holds then', async () => {
    const windows: Array<[string, number, string]> = [['b', 0, 'b0'], ['a', 5, 'a5'], ['a', 0, 'a0']];
    const store = storeOf(windows);
    const index = new WindowEmitIndex(store, (key: string) => bytes(key));
    await index.build();
    await index.build();
    expect(store.reads).toBe(1);
    windows.push(['c', 5, 'c5'], ['a', 7, 'a7']);
    index.add('c', 5);
    index.add('a', 7);
    // Updated after indexing: read back as it is now.
    windows[0]![2] = 'b0 updated';
    expect(show(await index.take(0, 5))).toEqual(['a@0/10=a0', 'b@0/10=b0 updated', 'a@5/15=a5', 'c@5/15=c5']);
    expect(show(await index.take(6, 7))).toEqual(['a@7/17=a7']);
  });

  it('leaves out an indexed window the store no longer returns (hidden by its retention)', async () => {
    const windows: Array<[string, number, string]> = [['a', 0, 'a0'], ['b', 0, 'b0']];
    const index = new WindowEmitIndex(storeOf(windows), (key: string) => bytes(key));
    await index.build();
    windows.splice(0, 1);
    expect(show(await index.take(0, 0))).toEqual(['b@0/10=b0']);
  });
});
