/**
 * Waits until a Kafka broker is ready for the project's clients, so scripts can tell "the JVM started" from
 * "clients can use it": it answers metadata (kafkajs admin `describeCluster`) AND the group coordinator of
 * every `__consumer_offsets` partition answers OffsetFetch. The second part matters because kafkajs 2.2.4's
 * `sendOffsets` does not retry a coordinator that is still loading: it checks the error names
 * `NOT_COORDINATOR`/`COORDINATOR_NOT_AVAILABLE`/`COORDINATOR_LOAD_IN_PROGRESS`, but kafkajs names those
 * errors `NOT_COORDINATOR_FOR_GROUP`/`GROUP_COORDINATOR_NOT_AVAILABLE`/`GROUP_LOAD_IN_PROGRESS`, so the first
 * transaction on a fresh broker would fail. Exits 0 when ready, 1 on timeout or when the broker process
 * (`--pid`) exits first, which fails fast instead of waiting out the timeout on a crashed broker.
 *
 * Usage: node scripts/kafka/wait-ready.ts --broker 127.0.0.1:9092 [--pid N] [--timeout SECONDS]
 */
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";

const { values } = parseArgs({
  options: {
    broker: { type: "string", default: "127.0.0.1:9092" },
    pid: { type: "string" },
    timeout: { type: "string", default: "120" },
  },
});

const broker = values.broker;
const pid = values.pid === undefined ? undefined : Number(values.pid);
const deadline = Date.now() + Number(values.timeout) * 1000;

/** True while the process exists (signal 0 only checks). */
function alive(p: number): boolean {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

const kafka = new Kafka({
  clientId: "twinstate-wait-ready",
  brokers: [broker],
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});

/** Kafka's partition of a group id in `__consumer_offsets`: `Utils.abs(groupId.hashCode()) % n` (Java). */
function offsetsPartition(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
  return (hash & 0x7fffffff) % partitions;
}

/** True when the group coordinator of every `__consumer_offsets` partition answers (creating the topic). */
async function groupCoordinatorsReady(admin: ReturnType<typeof kafka.admin>): Promise<boolean> {
  await admin.fetchOffsets({ groupId: "twinstate-ready-0" });
  const { topics } = await admin.fetchTopicMetadata({ topics: ["__consumer_offsets"] });
  const partitions = topics[0]?.partitions.length ?? 0;
  if (partitions === 0) return false;
  const pending = new Set(Array.from({ length: partitions }, (_, p) => p));
  for (let i = 0; pending.size > 0 && i < 100 * partitions; i++) {
    const groupId = `twinstate-ready-${i}`;
    const partition = offsetsPartition(groupId, partitions);
    if (!pending.has(partition)) continue;
    await admin.fetchOffsets({ groupId });
    pending.delete(partition);
  }
  return pending.size === 0;
}

let lastError = "no attempt";
while (Date.now() < deadline) {
  if (pid !== undefined && !alive(pid)) {
    console.error(`wait-ready: broker process ${pid} exited before ${broker} became ready`);
    process.exit(1);
  }
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) {
      lastError = "no broker or controller in metadata yet";
    } else if (!(await groupCoordinatorsReady(admin))) {
      lastError = "group coordinators not loaded yet";
    } else {
      await admin.disconnect();
      process.exit(0);
    }
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  await admin.disconnect().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`wait-ready: ${broker} not ready: ${lastError}`);
process.exit(1);
