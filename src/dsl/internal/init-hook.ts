import { supplyProcessor, type Processor, type ProcessorSupplier } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';

/**
 * A supplier whose processors run `hook(context)` before their own `init` (e.g. to give a shared
 * serde the config's default serde, which only a running task knows).
 */
export function withInitHook<KIn, VIn, KOut, VOut>(
  supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
  hook: (context: ProcessorContext<KOut, VOut>) => void,
): () => Processor<KIn, VIn, KOut, VOut> {
  return () => {
    const processor = supplyProcessor(supplier);
    return {
      init(context) {
        hook(context);
        return processor.init?.(context);
      },
      process: (record) => processor.process(record),
      close: () => processor.close?.(),
    };
  };
}
