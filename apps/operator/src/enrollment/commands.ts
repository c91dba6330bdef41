// `iot-operator enrollment create|list|revoke`: the tokens new devices enroll
// with (docs/devices.md), through @fleet/provisioning. The kubeconfig's user
// is who acts on the EnrollmentToken CRs, so Kubernetes RBAC decides
// (fleet:deployers may create and revoke them). The token text is printed
// once, by create; only its hash is stored, so it can never be shown again.
import { EnrollmentTokenClient } from "@fleet/kube";
import {
  createEnrollmentToken,
  enrollCommand,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from "@fleet/provisioning";
import type { Command } from "commander";
import { collect, kubeOption, say } from "../cli/options.js";
import { loadKubeConfig } from "../kube/kube-config.js";
import { listConfig } from "../device/settings.js";
import { readEnv } from "../env.js";
import { createConfig } from "./create-flags.js";
import { enrollmentTable } from "./enrollment-table.js";
import { labelsText } from "../cli/table.js";

type Flags = Record<string, unknown>;

/** Shown in the command when no --server was given. */
const SERVER_PLACEHOLDER = "<enrollment server https URL>";

export function addEnrollmentCommands(enrollment: Command): void {
  enrollment.description(
    "enrollment tokens: what a new device presents to ask to join the fleet (single-use unless told otherwise)",
  );

  kubeOption(enrollment.command("create"))
    .description(
      "create an enrollment token; print it (once) and the exact iot-agent enroll command",
    )
    .option("--name <name>", "the token's name (default: enroll-<random>)")
    .option(
      "--label <key=value>",
      "a label every device enrolled with it gets (repeatable)",
      collect,
    )
    .option("--expires-in <duration>", "how long it works, e.g. 30m, 24h, 7d (default 24h)")
    .option("--no-expiry", "it never expires (still refused once used up or revoked)")
    .option("--max-uses <n>", "how many devices may enroll with it (default 1)")
    .option("--auto-approve", "approve devices enrolled with it at once, without a deployer")
    .option("--description <text>", "what it is for")
    .option(
      "--server <url>",
      "the enrollment server devices reach, https (env ENROLLMENT_PUBLIC_URL), for the printed command",
    )
    .option(
      "--server-ca <file>",
      "path ON THE DEVICE of the CA the server's certificate is issued by, for the printed command",
    )
    .action(async (flags: Flags) => {
      const config = createConfig(flags, readEnv());
      const tokens = EnrollmentTokenClient.forKubeConfig(loadKubeConfig(config));
      const created = await createEnrollmentToken(tokens, config.input);
      const limits = [
        created.maxUses === 1 ? "single-use" : `up to ${String(created.maxUses)} devices`,
        created.expiresAt === undefined ? "never expires" : `expires ${created.expiresAt}`,
        created.autoApprove ? "auto-approve" : "devices wait for approval",
        `labels ${labelsText(created.labels)}`,
      ];
      say(`enrollment token ${created.name} created: ${limits.join(", ")}`);
      say("");
      say(`token (shown only now; only its hash is stored): ${created.token}`);
      say("");
      say("on the device, run:");
      say(
        `  ${enrollCommand({
          token: created.token,
          server: config.server ?? SERVER_PLACEHOLDER,
          serverCaFile: config.serverCa,
        })}`,
      );
      if (config.server === undefined)
        say("(give --server or ENROLLMENT_PUBLIC_URL to have the server's URL filled in)");
    });

  kubeOption(enrollment.command("list"))
    .description("list enrollment tokens: state, uses, expiry, auto-approve (never their secrets)")
    .action(async (flags: Flags) => {
      const tokens = EnrollmentTokenClient.forKubeConfig(
        loadKubeConfig(listConfig(flags, readEnv())),
      );
      process.stdout.write(enrollmentTable(await listEnrollmentTokens(tokens)));
    });

  kubeOption(enrollment.command("revoke <name>"))
    .description("refuse the token from now on (devices already enrolled with it stay)")
    .action(async (name: string, flags: Flags) => {
      const tokens = EnrollmentTokenClient.forKubeConfig(
        loadKubeConfig(listConfig(flags, readEnv())),
      );
      await revokeEnrollmentToken(tokens, name);
      say(`enrollment token ${name} revoked: devices presenting it are refused`);
    });
}
