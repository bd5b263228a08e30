/**
 * The application reset tool (Kafka's `kafka-streams-application-reset`): makes an application
 * reprocess its input from the beginning, as if it had never run.
 *
 * 1. refuses while the application's consumer group has active members (a running instance
 *    would commit over the reset, and keep writing the topics about to be deleted);
 * 2. resets the group's committed offsets of the named input topics to each partition's
 *    earliest offset;
 * 3. deletes the application's internal topics (repartition and changelog topics, and the
 *    foreign-key join topics), recognised by name as Kafka's resetter recognises them;
 * 4. deletes the local state directory `state.dir/<application.id>` of this machine (other
 *    machines' state must be wiped there, or with `KafkaStreams.cleanUp()` at their next start).
 *
 * Planning only reads; {@link applyResetPlan} changes things, in that order.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamsException } from '../errors.js';
import type { KafkaAdmin } from '../kafka/port.js';
import { cleanUpStateDirectory } from '../state/state-cleanup.js';

/** One partition whose committed offset the reset moves. */
export interface OffsetReset {
  readonly topic: string;
  readonly partition: number;
  /** The offset the group has committed now, or -1 when none. */
  readonly committed: number;
  /** The offset it will be set to: the partition's earliest offset. */
  readonly target: number;
}

/** What a reset will do. */
export interface ResetPlan {
  readonly applicationId: string;
  readonly offsetResets: readonly OffsetReset[];
  /** Input topics named on the command line that do not exist (reported, skipped). */
  readonly missingInputTopics: readonly string[];
  readonly internalTopics: readonly string[];
  /** `state.dir/<application.id>`, and whether it exists on this machine. */
  readonly stateDirectory: { readonly path: string; readonly exists: boolean };
}

/** Options of {@link planReset}. */
export interface ResetOptions {
  readonly applicationId: string;
  readonly inputTopics: readonly string[];
  readonly stateDir: string;
}

/** Thrown when the group still has members: nothing was changed. */
export class ActiveMembersError extends StreamsException {
  constructor(readonly applicationId: string, readonly members: readonly string[]) {
    super(
      `Consumer group '${applicationId}' still has ${members.length} active member(s) (${members.join(', ')}). ` +
        'Stop every instance of the application, and wait for the session timeout if one crashed, before resetting it.',
      'ILLEGAL_STATE',
    );
  }
}

/**
 * Whether `topic` is one of `applicationId`'s internal topics: Kafka's
 * `StreamsResetter.isInternalTopic` (prefix `<application.id>-` and one of the internal suffixes).
 */
export function isInternalTopic(applicationId: string, topic: string): boolean {
  if (!topic.startsWith(`${applicationId}-`)) return false;
  return (
    topic.endsWith('-changelog') ||
    topic.endsWith('-repartition') ||
    topic.endsWith('-subscription-registration-topic') ||
    topic.endsWith('-subscription-response-topic') ||
    /.+-KTABLE-FK-JOIN-SUBSCRIPTION-(REGISTRATION|RESPONSE)-\d+-topic$/.test(topic)
  );
}

/**
 * Works out what a reset would do; changes nothing.
 * @throws ActiveMembersError when the group has active members
 */
export async function planReset(admin: KafkaAdmin, options: ResetOptions): Promise<ResetPlan> {
  const { applicationId } = options;
  const group = await admin.describeGroup(applicationId);
  if (group.members.length > 0) throw new ActiveMembersError(applicationId, group.members.map((m) => m.clientId || m.memberId));

  const inputTopics = [...new Set(options.inputTopics)];
  const described = await admin.describeTopics(inputTopics);
  const existing = inputTopics.filter((t) => described.has(t));
  const committed = new Map(
    (await admin.fetchCommittedOffsets(applicationId, existing)).map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]),
  );
  const offsetResets: OffsetReset[] = [];
  for (const topic of existing) {
    for (const { partition, earliest } of await admin.listOffsets(topic)) {
      offsetResets.push({ topic, partition, committed: committed.get(`${topic}\u0000${partition}`) ?? -1, target: earliest });
    }
  }

  const internalTopics = (await admin.listTopics()).filter((t) => isInternalTopic(applicationId, t)).sort();
  const path = join(options.stateDir, applicationId);
  return {
    applicationId,
    offsetResets,
    missingInputTopics: inputTopics.filter((t) => !described.has(t)),
    internalTopics,
    stateDirectory: { path, exists: await exists(path) },
  };
}

/**
 * Carries out a plan from {@link planReset}. The group is checked again first, since an
 * instance may have started in between.
 * @throws ActiveMembersError when the group has active members by now (nothing changed)
 * @throws StreamsException `STATE_DIR_LOCKED` when a local instance holds the state directory
 */
export async function applyResetPlan(admin: KafkaAdmin, plan: ResetPlan, stateDir: string): Promise<void> {
  const group = await admin.describeGroup(plan.applicationId);
  if (group.members.length > 0) throw new ActiveMembersError(plan.applicationId, group.members.map((m) => m.clientId || m.memberId));
  if (plan.offsetResets.length > 0) {
    await admin.setCommittedOffsets(plan.applicationId, plan.offsetResets.map(({ topic, partition, target }) => ({ topic, partition, offset: target })));
  }
  if (plan.internalTopics.length > 0) await admin.deleteTopics(plan.internalTopics);
  if (plan.stateDirectory.exists) await cleanUpStateDirectory(stateDir, plan.applicationId);
}

/** The plan as the lines `kstreams reset` prints. */
export function formatResetPlan(plan: ResetPlan, dryRun: boolean): string[] {
  const will = dryRun ? 'Would' : 'Will';
  const lines = [`${dryRun ? 'Dry run: ' : ''}reset of application '${plan.applicationId}' (consumer group '${plan.applicationId}' has no active members)`];
  if (plan.offsetResets.length === 0) {
    lines.push(plan.missingInputTopics.length === 0
      ? 'Input topics: none given (--input-topics), so no committed offsets are reset.'
      : 'Input topics: none of those given exist, so no committed offsets are reset.');
  } else {
    lines.push(`${will} reset committed offsets of group '${plan.applicationId}' to the earliest offset:`);
    for (const r of plan.offsetResets) lines.push(`  ${r.topic} partition ${r.partition}: ${r.committed < 0 ? 'none' : r.committed} -> ${r.target}`);
  }
  for (const topic of plan.missingInputTopics) lines.push(`  (input topic '${topic}' does not exist: skipped)`);
  if (plan.internalTopics.length === 0) {
    lines.push('Internal topics: none found.');
  } else {
    lines.push(`${will} delete ${plan.internalTopics.length} internal topic(s):`);
    for (const topic of plan.internalTopics) lines.push(`  ${topic}`);
  }
  lines.push(
    plan.stateDirectory.exists
      ? `${will} delete local state: ${plan.stateDirectory.path}`
      : `Local state: ${plan.stateDirectory.path} does not exist on this machine.`,
  );
  if (dryRun) lines.push('Dry run: nothing was changed.');
  return lines;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
