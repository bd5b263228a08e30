/** The partition of a task id `<subtopology>_<partition>` (Kafka Streams' `TaskId.partition()`). */
export function parseTaskIdPartition(taskId: string): number {
  const partition = Number(taskId.slice(taskId.indexOf('_') + 1));
  if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`Not a task id: ${taskId}`);
  return partition;
}
