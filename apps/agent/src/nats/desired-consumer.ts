// The consumer behind the agent's desired-state watch: what nats.js's ordered
// push consumer creates (no acks, one replica, flow control, removed by the
// server after 5 idle minutes; the latest value of each of the device's keys,
// then live updates), with a short idle heartbeat of its own.
//
// Why not nats.js's ordered consumer: it fixes the heartbeat at 30 s and
// notices a dead consumer after two missed ones. When the NATS node holding
// the consumer dies while the device stays connected to another node, nothing
// else tells the device, and the fault suite saw a device get its entry 50 s
// late. A device may not ask for consumer info (CONSUMER.INFO is not among its
// permissions, packages/contracts/src/nats-permissions.ts: names are random,
// so it would have to be allowed for every device's consumers), so it cannot
// probe the consumer either. The server's idle heartbeat is the one liveness
// signal a device gets; here it beats every 5 s, and nats.js's own monitor
// reports two missed beats (`heartbeats_missed`) 10-15 s after the node died.
import { BUCKET_DESIRED_STATE, deviceDesiredStateFilter } from "@fleet/contracts";
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamClient,
} from "@nats-io/jetstream";
import { createInbox, nanos, nuid } from "@nats-io/transport-node";

export const DESIRED_STATE_STREAM = `KV_${BUCKET_DESIRED_STATE}`;
/** Where the KV client puts a key: `$KV.<bucket>.<key>`. */
export const DESIRED_STATE_SUBJECT_PREFIX = `$KV.${BUCKET_DESIRED_STATE}.`;
/**
 * The server's idle heartbeat: the watch gives its consumer up after two
 * missed ones. As often as the connection's own ping (session.ts), a few
 * dozen bytes each while the device's keys are quiet.
 */
export const WATCH_HEARTBEAT_MS = 5_000;
/** The server removes a consumer nobody listens to after this (a device may not delete one). */
const INACTIVE_THRESHOLD_MS = 5 * 60_000;

export interface DesiredStateConsumer {
  /** Its info from creation (no request): `num_pending` counts the values the replay holds. */
  info: (cached: true) => Promise<ConsumerInfo>;
  /** Its messages; their status() says `heartbeats_missed` after two heartbeats did not come. */
  consume: () => Promise<ConsumerMessages>;
}

/** Creates the watch's consumer on the device's own keys (CONSUMER.CREATE with its filter, as permitted). */
export async function openDesiredStateConsumer(
  js: JetStreamClient,
  device: string,
): Promise<DesiredStateConsumer> {
  // No $JS.API.INFO round trip: creating the consumer tells soon enough if JetStream is there.
  const jsm = await js.jetstreamManager(false);
  // Inside the device's inbox prefix, the only subjects it may subscribe to.
  const deliverSubject = createInbox(js.getOptions().watcherPrefix);
  const info = await jsm.consumers.add(DESIRED_STATE_STREAM, {
    name: `oc_${nuid.next()}`,
    filter_subject: `${DESIRED_STATE_SUBJECT_PREFIX}${deviceDesiredStateFilter(device)}`,
    deliver_policy: DeliverPolicy.LastPerSubject,
    deliver_subject: deliverSubject,
    ack_policy: AckPolicy.None,
    max_deliver: 1,
    num_replicas: 1,
    flow_control: true,
    idle_heartbeat: nanos(WATCH_HEARTBEAT_MS),
    inactive_threshold: nanos(INACTIVE_THRESHOLD_MS),
  });
  return {
    info: () => Promise.resolve(info),
    consume: async () => {
      const bound = await js.consumers.getBoundPushConsumer({
        deliver_subject: deliverSubject,
        // Starts nats.js's heartbeat monitor at the consumer's own rate.
        idle_heartbeat: nanos(WATCH_HEARTBEAT_MS),
      });
      // A consumer the server deleted (409) ends the messages with an error, and the watch reopens.
      return bound.consume({ abort_on_missing_resource: true });
    },
  };
}
