import { describe, expect, it } from 'vitest';
import { KeyBatchCoalescer } from '../../src/query/key-batch-coalescer.js';
import { QueryLimitException } from '../../src/query/query-errors.js';
import type { KeyValueResult } from '../../src/query/query-results.js';

type Answer = KeyValueResult | null | Error;
interface Sent { endpoint: string; store: string; keys: readonly string[]; allowStale: boolean }

/** A coalescer over a fake owner that answers each key with `<endpoint>:<key>` and records every request. */
function coalescer(maxKeys = 100, fail?: (sent: Sent) => Error | undefined): { c: KeyBatchCoalescer; sent: Sent[] } {
  const sent: Sent[] = [];
  const c = new KeyBatchCoalescer((endpoint, store, keys, allowStale) => {
    const request = { endpoint, store, keys, allowStale };
    sent.push(request);
    const error = fail?.(request);
    if (error !== undefined) return Promise.reject(error);
    return Promise.resolve(keys.map((k): Answer => (k === 'absent' ? null : { key: k, value: `${endpoint}:${k}`, partition: 0, servedBy: endpoint, cursor: '' })));
  }, maxKeys);
  return { c, sent };
}

const values = (answers: Answer[]): unknown[] => answers.map((a) => (a === null || a instanceof Error ? a : a.value));

describe('KeyBatchCoalescer', () => {
  it('sends the batches of one turn for the same owner and store as one request; each caller gets its own keys in its order', async () => {
    const { c, sent } = coalescer();
    const [a, b, other] = await Promise.all([
      c.keyValues('h1', 'address', ['k2', 'k1'], false),
      c.keyValues('h1', 'address', ['k3', 'absent', 'k1'], false),
      c.keyValues('h2', 'address', ['k9'], false),
    ]);
    expect(values(a)).toEqual(['h1:k2', 'h1:k1']);
    expect(values(b)).toEqual(['h1:k3', null, 'h1:k1']);
    expect(values(other)).toEqual(['h2:k9']);
    expect(sent.map((s) => [s.endpoint, s.keys])).toEqual([['h1', ['k2', 'k1', 'k3', 'absent', 'k1']], ['h2', ['k9']]]);
  });

  it('keeps stores and stale reads apart', async () => {
    const { c, sent } = coalescer();
    await Promise.all([c.keyValues('h1', 'address', ['a'], false), c.keyValues('h1', 'other', ['b'], false), c.keyValues('h1', 'address', ['c'], true)]);
    expect(sent.map((s) => [s.store, s.allowStale, s.keys])).toEqual([['address', false, ['a']], ['other', false, ['b']], ['address', true, ['c']]]);
  });

  it('does not hold a batch past its turn: batches of later turns go in requests of their own', async () => {
    const { c, sent } = coalescer();
    await c.keyValues('h1', 'address', ['a'], false);
    await c.keyValues('h1', 'address', ['b'], false);
    expect(sent.map((s) => s.keys)).toEqual([['a'], ['b']]);
  });

  it('never puts more than maxKeys keys in one request', async () => {
    const { c, sent } = coalescer(5);
    const keys = (n: number, p: string): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const answers = await Promise.all([c.keyValues('h1', 's', keys(3, 'a'), false), c.keyValues('h1', 's', keys(2, 'b'), false), c.keyValues('h1', 's', keys(4, 'c'), false), c.keyValues('h1', 's', keys(5, 'd'), false)]);
    expect(sent.map((s) => s.keys.length)).toEqual([5, 5, 4]);
    expect(answers.map((a) => a.length)).toEqual([3, 2, 4, 5]);
    expect(values(answers[2]!)).toEqual(['h1:c0', 'h1:c1', 'h1:c2', 'h1:c3']);
  });

  it('fails every caller of a request that fails as a whole, and only those', async () => {
    const { c } = coalescer(100, (s) => (s.endpoint === 'down' ? new Error('connection refused') : undefined));
    const results = await Promise.allSettled([c.keyValues('down', 's', ['a'], false), c.keyValues('down', 's', ['b'], false), c.keyValues('up', 's', ['c'], false)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
  });

  it('sends each query\'s batch on its own when the owner refuses the joined request for its size (a lower key limit there)', async () => {
    const ownerLimit = 3;
    const { c, sent } = coalescer(100, (s) => (s.keys.length > ownerLimit ? new QueryLimitException('The number of keys per request', ownerLimit, s.keys.length) : undefined));
    const [a, b] = await Promise.all([c.keyValues('h1', 's', ['a1', 'a2'], false), c.keyValues('h1', 's', ['b1', 'b2', 'b3'], false)]);
    expect(values(a)).toEqual(['h1:a1', 'h1:a2']);
    expect(values(b)).toEqual(['h1:b1', 'h1:b2', 'h1:b3']);
    expect(sent.map((s) => s.keys.length)).toEqual([5, 2, 3]);
  });

  it('turns a send that throws into the callers\' rejection, not an uncaught error', async () => {
    const c = new KeyBatchCoalescer(() => {
      throw new Error('bad endpoint');
    }, 10);
    await expect(Promise.all([c.keyValues('x', 's', ['a'], false), c.keyValues('x', 's', ['b'], false)])).rejects.toThrow('bad endpoint');
  });
});
