// The auth-callout service for browsers: answers nats-server's
// $SYS.REQ.USER.AUTH requests (a queue group, so several dashboard replicas
// share the load), remembers which connections it admitted for which session,
// and ends them when the dashboard says a session is over or its role changed.
// Those verdicts go out on NATS too, so every replica (and later the identity
// service this module moves into) applies them; kicks go through a
// system-account user ($SYS.REQ.SERVER.<id>.KICK).
import { BROWSER_AUTH_SESSIONS_SUBJECT } from "@fleet/contracts";
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { z } from "zod";
import { ROLES } from "../../auth/roles";
import { KeptConnection, type NatsHealth } from "../kept-connection";
import { answerAuthRequest, SERVER_XKEY_HEADER, type CalloutKeys } from "./auth-request";
import { LiveSessions, type AdmittedConnection, type SessionVerdict } from "./live-sessions";

export const AUTH_CALLOUT_SUBJECT = "$SYS.REQ.USER.AUTH";
/** Verdicts shared by every responder; under the platform's BROWSER_AUTH_SUBJECTS grant. */
export const SESSION_VERDICTS_SUBJECT = BROWSER_AUTH_SESSIONS_SUBJECT;
const QUEUE = "fleet-browser-auth";
const MAX_VERDICT_BYTES = 1024;

const verdictSchema = z.object({
  sessionId: z.string().min(1).max(128),
  role: z.enum(ROLES).nullable(),
  until: z.number().int().positive(),
});

export interface BrowserAuthOptions {
  servers: string[];
  /** .creds of the responder (an auth_users member allowed to read the callout subject). */
  calloutCredentialsFile?: string | undefined;
  /** .creds of a system-account user allowed to kick connections. */
  systemCredentialsFile: string;
  keys: CalloutKeys;
  log: Logger;
}

const utf8 = new TextEncoder();

export class BrowserAuthCallout {
  readonly #sessions = new LiveSessions();
  readonly #responder: KeptConnection;
  readonly #system: KeptConnection;

  constructor(private readonly options: BrowserAuthOptions) {
    const { servers, log } = options;
    this.#responder = new KeptConnection(
      {
        name: "fleet-web-auth-callout",
        servers,
        credentialsFile: options.calloutCredentialsFile,
        log,
      },
      (nc) => this.#listen(nc),
    );
    this.#system = new KeptConnection(
      { name: "fleet-web-system", servers, credentialsFile: options.systemCredentialsFile, log },
      () => Promise.resolve(),
    );
  }

  start(): this {
    this.#responder.start();
    this.#system.start();
    return this;
  }

  /** Up only when it can both answer the callout and kick. */
  health(): NatsHealth {
    const responder = this.#responder.health();
    if (!responder.up) return { up: false, reason: `browser auth callout: ${responder.reason}` };
    const system = this.#system.health();
    if (!system.up) return { up: false, reason: `system account (kicks): ${system.reason}` };
    return { up: true, reason: "answering the browser auth callout" };
  }

  /** The role this replica last heard for a session (undefined: no word yet). */
  knownRole(sessionId: string): SessionVerdict["role"] | undefined {
    return this.#sessions.knownRole(sessionId, Date.now());
  }

  /**
   * Applies a verdict here at once (kicking what it no longer allows), then tells the
   * other responders. Resolves once the kicks were sent.
   */
  async decide(verdict: SessionVerdict): Promise<void> {
    await this.#apply(verdict);
    const nc = this.#responder.connection();
    if (!nc) {
      this.options.log.warn({ session: verdict.sessionId }, "verdict not shared: NATS is away");
      return;
    }
    nc.publish(SESSION_VERDICTS_SUBJECT, JSON.stringify(verdict));
  }

  async stop(): Promise<void> {
    await Promise.all([this.#responder.stop(), this.#system.stop()]);
  }

  async #listen(nc: NatsConnection): Promise<void> {
    nc.subscribe(AUTH_CALLOUT_SUBJECT, {
      queue: QUEUE,
      callback: (error, msg) => {
        if (!error) void this.#answer(msg);
      },
    });
    nc.subscribe(SESSION_VERDICTS_SUBJECT, {
      callback: (error, msg) => {
        if (!error) void this.#receive(msg);
      },
    });
    // Both subscriptions are in place before anyone is told the service is up.
    await nc.flush();
  }

  async #answer(msg: Msg): Promise<void> {
    const { log } = this.options;
    try {
      const now = Date.now();
      const answer = await answerAuthRequest(
        { data: msg.data, serverXkey: msg.headers?.get(SERVER_XKEY_HEADER) || undefined },
        this.options.keys,
        this.#sessions,
        now,
      );
      if (answer.admitted) {
        this.#sessions.admit(answer.admitted.sessionId, answer.admitted.connection, now);
        log.debug(
          { session: answer.admitted.sessionId, cid: answer.admitted.connection.cid },
          "browser admitted to NATS",
        );
      } else {
        log.info({ reason: answer.refused }, "browser refused by the auth callout");
      }
      msg.respond(answer.reply);
    } catch (error) {
      // No reply: nats-server refuses the client when its auth timeout runs out.
      log.warn({ err: error }, "unanswerable auth callout request");
    }
  }

  async #receive(msg: Msg): Promise<void> {
    if (msg.data.length > MAX_VERDICT_BYTES) return;
    let body: unknown;
    try {
      body = msg.json();
    } catch {
      body = undefined;
    }
    const verdict = verdictSchema.safeParse(body);
    if (!verdict.success) {
      this.options.log.warn({ issues: verdict.error.issues }, "ignoring malformed session verdict");
      return;
    }
    await this.#apply(verdict.data);
  }

  async #apply(verdict: SessionVerdict): Promise<void> {
    const ended = this.#sessions.apply(verdict, Date.now());
    await Promise.all(ended.map((connection) => this.#kick(verdict.sessionId, connection)));
  }

  async #kick(sessionId: string, connection: AdmittedConnection): Promise<void> {
    const { log } = this.options;
    const nc = this.#system.connection();
    if (!nc) {
      log.warn({ session: sessionId }, "cannot kick a browser connection: system account away");
      return;
    }
    try {
      await nc.request(
        `$SYS.REQ.SERVER.${connection.serverId}.KICK`,
        utf8.encode(JSON.stringify({ cid: connection.cid })),
        { timeout: 2000 },
      );
      log.info({ session: sessionId, cid: connection.cid }, "kicked a browser connection");
    } catch (error) {
      log.warn({ err: error, session: sessionId }, "kicking a browser connection failed");
    }
  }
}
