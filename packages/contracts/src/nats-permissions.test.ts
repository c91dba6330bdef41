import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BROWSER_AUTH_SESSIONS_SUBJECT } from "./browser-auth-subjects.js";
import { desiredStateKey } from "./keys.js";
import {
  browserPermissions,
  dashboardServerPermissions,
  deviceInboxPrefix,
  devicePermissions,
  identityServicePermissions,
  kickOnlyPermissions,
  OPERATOR_INBOX_PREFIX,
  operatorPermissions,
  type NatsPermissions,
} from "./nats-permissions.js";
import { deviceId } from "./testing/arbitraries.js";
import { subjectMatches } from "./testing/subject-match.js";

const ALL_GRANTS = ["desired-state.read", "agent-status.write"] as const;

const mayPublish = (p: NatsPermissions, subject: string): boolean =>
  p.publish.allow.some((allow) => subjectMatches(allow, subject)) &&
  !(p.publish.deny ?? []).some((deny) => subjectMatches(deny, subject));
const maySubscribe = (p: NatsPermissions, subject: string): boolean =>
  p.subscribe.allow.some((allow) => subjectMatches(allow, subject));

const key = (device: string): string =>
  `$KV.desired-state.${desiredStateKey({ device, namespace: "default", name: "web" })}`;
const directGet = (subject: string): string => `$JS.API.DIRECT.GET.KV_desired-state.${subject}`;
const createConsumer = (filter: string): string =>
  `$JS.API.CONSUMER.CREATE.KV_desired-state.oc_x_1.${filter}`;

describe("nats permissions - a device", () => {
  const a = devicePermissions("pi-a", ALL_GRANTS);

  it("gets and watches its own desired-state keys and writes its own heartbeat", () => {
    expect(mayPublish(a, "$JS.API.INFO")).toBe(true);
    expect(mayPublish(a, directGet(key("pi-a")))).toBe(true);
    expect(mayPublish(a, createConsumer("$KV.desired-state.pi-a.>"))).toBe(true);
    expect(mayPublish(a, "$JS.FC.KV_desired-state.oc_x_1.1.2")).toBe(true);
    expect(mayPublish(a, "$KV.agent-status.status.pi-a")).toBe(true);
    expect(maySubscribe(a, "_INBOX_pi-a.abc.1")).toBe(true);
  });

  it("reaches no other device's keys, whatever the device ids", () => {
    fc.assert(
      fc.property(deviceId(), deviceId(), (own, other) => {
        fc.pre(own !== other);
        const p = devicePermissions(own, ALL_GRANTS);
        expect(mayPublish(p, directGet(key(other)))).toBe(false);
        expect(mayPublish(p, createConsumer(`$KV.desired-state.${other}.>`))).toBe(false);
        expect(mayPublish(p, `$KV.agent-status.status.${other}`)).toBe(false);
        expect(maySubscribe(p, `${deviceInboxPrefix(other)}.x`)).toBe(false);
      }),
    );
  });

  it("has no unfiltered or wildcard watch, no keys, no raw get, no durable, no stream admin", () => {
    for (const subject of [
      "$JS.API.CONSUMER.CREATE.KV_desired-state",
      "$JS.API.CONSUMER.CREATE.KV_desired-state.oc_x_1",
      createConsumer("$KV.desired-state.>"),
      createConsumer("$KV.desired-state.*.>"),
      createConsumer("$KV.desired-state.*.default.web"),
      "$JS.API.CONSUMER.DURABLE.CREATE.KV_desired-state.d",
      "$JS.API.STREAM.MSG.GET.KV_desired-state",
      directGet(""),
      "$JS.API.DIRECT.GET.KV_desired-state",
      directGet("$KV.desired-state.*.default.web"),
      "$JS.API.STREAM.INFO.KV_desired-state",
      "$JS.API.STREAM.CREATE.KV_desired-state",
      "$JS.API.STREAM.UPDATE.KV_desired-state",
      "$JS.API.STREAM.DELETE.KV_desired-state",
      "$JS.API.STREAM.PURGE.KV_desired-state",
      "$JS.API.STREAM.CREATE.KV_new",
      "$JS.API.CONSUMER.DELETE.KV_desired-state.oc_x_1",
      "$KV.desired-state.pi-a.default.web",
      "$KV.agent-status.status.*",
      "$KV.agent-status.status.>",
    ]) {
      expect(mayPublish(devicePermissions("pi-a", ALL_GRANTS), subject), subject).toBe(false);
    }
    expect(maySubscribe(a, "_INBOX.x")).toBe(false);
    expect(maySubscribe(a, "$KV.desired-state.pi-a.default.web")).toBe(false);
  });

  it("gets only the rights of its grants", () => {
    const none = devicePermissions("pi-a", []);
    expect(none.publish.allow).toStrictEqual(["$JS.API.INFO"]);
    const readOnly = devicePermissions("pi-a", ["desired-state.read"]);
    expect(mayPublish(readOnly, directGet(key("pi-a")))).toBe(true);
    expect(mayPublish(readOnly, "$KV.agent-status.status.pi-a")).toBe(false);
    const writeOnly = devicePermissions("pi-a", ["agent-status.write"]);
    expect(mayPublish(writeOnly, directGet(key("pi-a")))).toBe(false);
    expect(mayPublish(writeOnly, "$KV.agent-status.status.pi-a")).toBe(true);
  });

  it("refuses a device id that is not a DNS label (it would widen the subjects)", () => {
    for (const bad of ["*", ">", "a.b", "A", ""]) {
      expect(() => devicePermissions(bad, ALL_GRANTS)).toThrow();
      expect(() => deviceInboxPrefix(bad)).toThrow();
    }
  });

  it("names the inbox prefix after the device, apart from every service's", () => {
    expect(deviceInboxPrefix("pi-a")).toBe("_INBOX_pi-a");
    fc.assert(
      fc.property(deviceId(), (id) => {
        expect([OPERATOR_INBOX_PREFIX, "_INBOX"]).not.toContain(deviceInboxPrefix(id));
      }),
    );
  });
});

describe("nats permissions - services", () => {
  it("lets the operator create and write desired-state and watch heartbeats, not forge one", () => {
    const p = operatorPermissions();
    for (const subject of [
      "$JS.API.STREAM.CREATE.KV_desired-state",
      "$JS.API.STREAM.CREATE.KV_agent-status",
      "$JS.API.STREAM.INFO.KV_agent-status",
      key("pi-a"),
      "$JS.API.STREAM.MSG.GET.KV_desired-state",
      "$JS.API.CONSUMER.CREATE.KV_desired-state.oc_x_1",
      createConsumer("$KV.desired-state.*.default.web"),
      "$JS.API.CONSUMER.CREATE.KV_agent-status.oc_x_1.$KV.agent-status.status.>",
    ]) {
      expect(mayPublish(p, subject), subject).toBe(true);
    }
    for (const subject of [
      "$KV.agent-status.status.pi-a",
      "$JS.API.STREAM.DELETE.KV_desired-state",
      "$JS.API.STREAM.UPDATE.KV_desired-state",
      "$JS.API.STREAM.CREATE.KV_other",
      "$JS.API.CONSUMER.DURABLE.CREATE.KV_desired-state.d",
      "$SYS.REQ.SERVER.x.KICK",
    ]) {
      expect(mayPublish(p, subject), subject).toBe(false);
    }
    expect(maySubscribe(p, `${OPERATOR_INBOX_PREFIX}.x.1`)).toBe(true);
    expect(maySubscribe(p, "_INBOX.x")).toBe(false);
    expect(maySubscribe(p, "$SYS.>")).toBe(false);
  });

  it("lets the dashboard server read heartbeats and publish session verdicts only", () => {
    const p = dashboardServerPermissions();
    expect(
      mayPublish(p, "$JS.API.CONSUMER.CREATE.KV_agent-status.w.$KV.agent-status.status.>"),
    ).toBe(true);
    expect(mayPublish(p, BROWSER_AUTH_SESSIONS_SUBJECT)).toBe(true);
    expect(mayPublish(p, "$KV.agent-status.status.pi-a")).toBe(false);
    expect(mayPublish(p, directGet(key("pi-a")))).toBe(false);
    expect(mayPublish(p, "$JS.API.STREAM.CREATE.KV_agent-status")).toBe(false);
    expect(maySubscribe(p, "_INBOX.x")).toBe(true);
    expect(maySubscribe(p, `${OPERATOR_INBOX_PREFIX}.x`)).toBe(false);
    expect(maySubscribe(p, `${deviceInboxPrefix("pi-a")}.x`)).toBe(false);
  });

  it("lets the identity service answer auth callouts and nothing on KV", () => {
    const p = identityServicePermissions();
    expect(p.allowResponses).toBe(true);
    expect(maySubscribe(p, "$SYS.REQ.USER.AUTH")).toBe(true);
    expect(maySubscribe(p, BROWSER_AUTH_SESSIONS_SUBJECT)).toBe(true);
    expect(mayPublish(p, "$JS.API.INFO")).toBe(false);
    expect(maySubscribe(p, "$KV.agent-status.status.pi-a")).toBe(false);
  });

  it("lets the kick user find connections and kick them, nothing else", () => {
    const p = kickOnlyPermissions();
    expect(mayPublish(p, "$SYS.REQ.SERVER.NABC.KICK")).toBe(true);
    expect(mayPublish(p, "$SYS.REQ.SERVER.PING.CONNZ")).toBe(true);
    expect(mayPublish(p, "$SYS.REQ.SERVER.PING.VARZ")).toBe(false);
    expect(mayPublish(p, "$SYS.REQ.SERVER.NABC.VARZ")).toBe(false);
    expect(mayPublish(p, "$SYS.REQ.USER.AUTH")).toBe(false);
  });

  it("lets a browser subscribe to heartbeats and publish nothing", () => {
    const p = browserPermissions();
    expect(maySubscribe(p, "$KV.agent-status.status.pi-a")).toBe(true);
    expect(maySubscribe(p, "$KV.desired-state.pi-a.default.web")).toBe(false);
    expect(mayPublish(p, "$JS.API.INFO")).toBe(false);
    expect(p.publish.deny).toStrictEqual([">"]);
  });
});
