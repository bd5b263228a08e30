/**
 * Recognises broker errors by Kafka's error name, which both adapters expose as `type`
 * (kafkajs' `KafkaJSProtocolError.type`, the embedded `EmbeddedKafkaError.type`), also when a
 * client wrapped the error (kafkajs retries wrap the original in `cause` / `originalError`).
 */
export function kafkaErrorType(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    const r = e as { cause?: unknown; originalError?: unknown };
    e = r.originalError ?? r.cause;
  }
  return undefined;
}

const REBALANCE_TYPES = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

/** The group moved on from this member's generation: its tasks are no longer (surely) its own. */
export function isRebalanceError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && REBALANCE_TYPES.has(type);
}
