// The server's copy of the agent-status bucket: one wildcard KV watch kept open
// for the life of the process, so the first view of 10 000 devices is a read of
// memory rather than 10 000 KV gets.
import {
  AGENT_STATUS_FILTER,
  BUCKET_AGENT_STATUS,
  decodeAgentStatus,
  parseAgentStatusKey,
  type AgentStatus,
} from "@fleet/contracts";
import { Kvm } from "@nats-io/kv";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { readFileSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";

export interface AgentStatusSource {
  /** Every device's last heartbeat; waits (bounded) for the initial load. */
  snapshot(): Promise<AgentStatus[]>;
  get(deviceId: string): Promise<AgentStatus | undefined>;
}

export class AgentStatusCache implements AgentStatusSource {
  private readonly statuses = new Map<string, AgentStatus>();
  private readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private connection: NatsConnection | undefined;
  private stopped = false;

  constructor(
    private readonly nats: { servers: string[]; credentialsFile?: string | undefined },
    private readonly log: Logger,
  ) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  start(): this {
    void this.run();
    return this;
  }

  async snapshot(): Promise<AgentStatus[]> {
    await this.waitReady();
    return [...this.statuses.values()];
  }

  async get(deviceId: string): Promise<AgentStatus | undefined> {
    await this.waitReady();
    return this.statuses.get(deviceId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection?.close();
  }

  /** Serve what we have after a few seconds rather than hang a page on NATS. */
  private async waitReady(): Promise<void> {
    await Promise.race([this.ready, delay(5000)]);
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.watch();
      } catch (error) {
        if (this.isStopped()) return;
        this.log.warn({ err: error }, "agent-status watch ended; retrying");
        await delay(1000);
      }
    }
  }

  private async watch(): Promise<void> {
    const { servers, credentialsFile } = this.nats;
    this.connection ??= await connect({
      servers,
      // Re-read on every reconnect, so a rotated Secret needs no restart.
      ...(credentialsFile !== undefined && {
        authenticator: credsAuthenticator(() => readFileSync(credentialsFile)),
      }),
      maxReconnectAttempts: -1,
      name: "fleet-web",
    });
    const kv = await new Kvm(this.connection).open(BUCKET_AGENT_STATUS);
    if ((await kv.status()).values === 0) this.markReady();
    const watcher = await kv.watch({ key: AGENT_STATUS_FILTER });
    for await (const entry of watcher) {
      if (entry.operation === "PUT") {
        try {
          const status = decodeAgentStatus(entry.value);
          this.statuses.set(status.deviceId, status);
        } catch (error) {
          this.log.warn({ err: error, key: entry.key }, "ignoring malformed agent-status entry");
        }
      } else {
        try {
          this.statuses.delete(parseAgentStatusKey(entry.key));
        } catch {
          // Not a status key: nothing of ours to forget.
        }
      }
      if (entry.delta === 0) this.markReady();
    }
  }
}
