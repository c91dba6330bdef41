// The figures of `auth-callout`'s storms: per-round values (the time until
// every device is back, the identity service's work) and per-device reconnect
// times pooled over the rounds, each beside the nkey floor where one applies.
import type { StormResult } from "./reconnect-storm.js";
import { latencyFigure, percentile, valueFigure, type Figure } from "./stats.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A value per round: the median as the figure, every round in the note. */
function perRound(name: string, values: readonly number[], unit: string, note: string): Figure {
  return valueFigure(name, percentile(values, 50), unit, values.length, {
    note: `${note}; per round: ${values.map(round2).join(", ")} (value = median)`,
  });
}

export function stormFigures(
  storms: readonly StormResult[],
  floors: readonly StormResult[],
): Figure[] {
  const devices = storms[0]?.clients ?? 0;
  const seconds = (ms: number): number => ms / 1000;
  const figures: Figure[] = [
    latencyFigure(
      "callout.storm.all_reconnected",
      storms.map((s) => seconds(s.allBackMs)),
      {
        unit: "s",
        floorSamples: floors.map((s) => seconds(s.allBackMs)),
        target: `${devices} devices ≤ 10 s`,
        note: `per round (n = rounds): nats-server restarted, server back → the last of ${devices} devices reconnected through the callout; floor = the same storm of nkey clients`,
      },
    ),
    latencyFigure(
      "callout.storm.reconnect",
      storms.flatMap((s) => s.reconnectMs),
      {
        floorSamples: floors.flatMap((s) => s.reconnectMs),
        note: "per device and round: server back → reconnected",
      },
    ),
    latencyFigure(
      "callout.floor.storm_reconnect_nkey",
      floors.flatMap((s) => s.reconnectMs),
    ),
    perRound(
      "callout.storm.outage",
      storms.map((s) => seconds(s.outageMs)),
      "s",
      "nats-server stop → last device reconnected (includes the restart itself)",
    ),
    perRound(
      "callout.storm.client_retries",
      storms.map((s) => s.clientFailures),
      "connections",
      "fresh connections devices opened after their client gave up (two refusals or timeouts in a row)",
    ),
  ];
  const identity = storms.flatMap((s) => (s.identity === undefined ? [] : [{ ...s.identity, s }]));
  if (identity.length === 0) return figures;
  figures.push(
    perRound(
      "callout.storm.callouts_per_second",
      identity.map((i) => (i.s.windowMs > 0 ? i.admitted / seconds(i.s.windowMs) : Number.NaN)),
      "connections/s",
      "device callouts one iot-identity process admitted / (first → last device back)",
    ),
    perRound(
      "callout.storm.identity_ready",
      identity.map((i) => seconds(i.readyMs)),
      "s",
      "server back → iot-identity's own NATS connection back and answering (/readyz)",
    ),
    perRound(
      "callout.storm.extra_admissions",
      identity.map((i) => i.admitted - i.s.clients),
      "callouts",
      "admissions beyond one per device: answers to attempts the server had already timed out (2 s), whose devices retried",
    ),
    perRound(
      "callout.storm.dropped",
      identity.map((i) => i.unanswerable),
      "callouts",
      "requests iot-identity dropped unanswered (e.g. queued past the server's auth timeout)",
    ),
    perRound(
      "callout.storm.refused",
      identity.map((i) => i.refused),
      "callouts",
      "device callouts refused (the service logs each reason)",
    ),
    perRound(
      "callout.storm.identity_cpu_per_callout",
      identity.map((i) => (i.admitted > 0 ? (i.cpuSeconds * 1000) / i.admitted : Number.NaN)),
      "ms",
      "iot-identity CPU time (user+system, /proc) during the storm per admitted callout",
    ),
  );
  return figures;
}
