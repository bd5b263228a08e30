import { describe, expectTypeOf, it } from 'vitest';
import type { GlobalKTable } from '../../src/dsl/global-ktable.js';
import { Grouped } from '../../src/dsl/grouped.js';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { Joined } from '../../src/dsl/joined.js';
import type { KGroupedStream } from '../../src/dsl/kgrouped-stream.js';
import type { KGroupedTable } from '../../src/dsl/kgrouped-table.js';
import type { KStream } from '../../src/dsl/kstream.js';
import type { KTable } from '../../src/dsl/ktable.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamJoined } from '../../src/dsl/stream-joined.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';

// Type tests (RxJS's spec-dtslint habit): generics carry through the stateful operators, and
// parameter objects built without type arguments (Grouped.as, Joined.as, Materialized.as) fit.
describe('stateful DSL types', () => {
  const builder = new StreamsBuilder();
  const orders = builder.stream<string, { customer: string; amount: number }>('orders');
  const customers = builder.table<string, { name: string }>('customers');

  it('tables and grouped streams carry their key and value types', () => {
    expectTypeOf(customers).toEqualTypeOf<KTable<string, { name: string }>>();
    expectTypeOf(orders.groupByKey()).toEqualTypeOf<KGroupedStream<string, { customer: string; amount: number }>>();
    expectTypeOf(orders.groupBy((_k, o) => o.customer, Grouped.as('by-customer'))).toEqualTypeOf<KGroupedStream<string, { customer: string; amount: number }>>();
    expectTypeOf(orders.groupByKey().count()).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(orders.groupByKey().aggregate(() => 0, (_k, o, sum) => sum + o.amount, Materialized.as('sums'))).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(orders.toTable()).toEqualTypeOf<KTable<string, { customer: string; amount: number }>>();
  });

  it('joins infer the joiner result; left joins see null for the missing side', () => {
    const joined = orders.selectKey((_k, o) => o.customer).join(customers, (o, c) => `${c.name}: ${o.amount}`, Joined.as('enrich'));
    expectTypeOf(joined).toEqualTypeOf<KStream<string, string>>();
    orders.leftJoin(customers, (o, c) => {
      expectTypeOf(c).toEqualTypeOf<{ name: string } | null>();
      return o.amount;
    });
    const global: GlobalKTable<string, { name: string }> = builder.globalTable('customers-global');
    expectTypeOf(orders.join(global, (_k, o) => o.customer, (o, c) => c.name.length + o.amount)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(customers.outerJoin(customers.mapValues((c) => c.name.length), (c, n) => `${c?.name}${n ?? 0}`)).toEqualTypeOf<KTable<string, string>>();
  });

  it('a foreign-key join keeps this table\'s key; the extractor sees (value, key)', () => {
    const orderTable = builder.table<string, { customer: string; amount: number }>('order-table');
    const joined = orderTable.join(customers, (o, id) => (id === '' ? null : o.customer), (o, c) => `${c.name}:${o.amount}`);
    expectTypeOf(joined).toEqualTypeOf<KTable<string, string>>();
    orderTable.leftJoin(customers, (o) => o.customer, (o, c) => {
      expectTypeOf(c).toEqualTypeOf<{ name: string } | null>();
      return o.amount;
    });
  });

  it('stream-stream joins infer the result; outer sides see null', () => {
    const views = builder.stream<string, number>('views');
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(1000);
    expectTypeOf(orders.join(views, (o, v) => o.amount + v, windows)).toEqualTypeOf<KStream<string, number>>();
    orders.outerJoin(views, (o, v) => {
      expectTypeOf(o).toEqualTypeOf<{ customer: string; amount: number } | null>();
      expectTypeOf(v).toEqualTypeOf<number | null>();
      return 0;
    }, windows, StreamJoined.as('ov'));
  });

  it('KTable.groupBy infers the new key and value from the selector', () => {
    const byName = customers.groupBy((id, c) => ({ key: c.name, value: id }), Grouped.as('by-name'));
    expectTypeOf(byName).toEqualTypeOf<KGroupedTable<string, string>>();
    expectTypeOf(byName.reduce((a, b) => a + b, (a) => a)).toEqualTypeOf<KTable<string, string>>();
    expectTypeOf(customers.groupBy((_id, c) => ({ key: c.name.length, value: 1 }), Grouped.with(Serdes.Integer(), Serdes.Integer())).count())
      .toEqualTypeOf<KTable<number, number>>();
  });
});
