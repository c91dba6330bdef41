// `iot-operator device add|disable|enable|rotate-key|list|remove|approve|label`:
// devices' identities (IdP machine users with keys) and their Device CRs,
// through @fleet/provisioning. The kubeconfig's user is who acts on the Device
// CRs, so Kubernetes RBAC decides; the IdP calls use the admin key file.
// approve and label touch only the Device (iot-identity issues an approved
// device's identity), so they need no IdP settings.
import { DeviceClient } from "@fleet/kube";
import {
  approveDevice,
  changeDeviceLabels,
  checkCredentialsTarget,
  deviceRegistry,
  provisioningWith,
  writeCredentialsFile,
  type Provisioning,
} from "@fleet/provisioning";
import type { Command } from "commander";
import { collect, kubeOption, say } from "../cli/options.js";
import { readEnv } from "../env.js";
import { loadKubeConfig } from "../kube/kube-config.js";
import { deviceTable } from "./device-table.js";
import { labelChangesFromArgs, labelsFromFlags } from "./labels.js";
import { labelSelectorFromFlag } from "./selector-flag.js";
import {
  credentialConfig,
  idpConfig,
  listConfig,
  type CredentialConfig,
  type IdpConfig,
} from "./settings.js";

type Flags = Record<string, unknown>;

const idpOptions = (command: Command): Command =>
  kubeOption(command)
    .option("--issuer <url>", "the IdP's issuer URL, https (env OIDC_ISSUER)")
    .option(
      "--issuer-ca <file>",
      "PEM CA of the issuer, when private; also written into credential files (env OIDC_CA_FILE)",
    )
    .option(
      "--project-id <id>",
      "the IdP project devices authenticate for (env ZITADEL_PROJECT_ID)",
    )
    .option(
      "--admin-key-file <file>",
      "key file (mode 0600) of a machine user allowed to manage users (env ZITADEL_ADMIN_KEY_FILE)",
    );

const credentialOptions = (command: Command): Command =>
  idpOptions(command)
    .option(
      "--nats-url <urls>",
      "NATS server URL(s) devices connect to, comma-separated, written into the credential file (env NATS_URL)",
    )
    .option("--out <file>", "where to write the device's credential file (mode 0600)")
    .option("--force", "overwrite a file already at --out");

function provisioningFor(config: IdpConfig, natsServers: string[] = []): Provisioning {
  const devices = DeviceClient.forKubeConfig(loadKubeConfig(config));
  return provisioningWith({ ...config, natsServers }, devices);
}

/** Writes the credential file as the operation's last step before it is final (see DeliveryOptions). */
async function deliverTo(config: CredentialConfig, force: boolean) {
  const overwrite = { overwrite: force };
  // Before anything is provisioned: a key that cannot be written would be lost.
  await checkCredentialsTarget(config.out, overwrite);
  return {
    deliver: (credentials: Parameters<typeof writeCredentialsFile>[1]) =>
      writeCredentialsFile(config.out, credentials, overwrite),
  };
}

export function addDeviceCommands(device: Command): void {
  device.description("provision and revoke devices: IdP machine users and their Device CRs");

  credentialOptions(device.command("add <id>"))
    .description("create a device's IdP machine user, key and Device CR; write its credential file")
    .option("--label <key=value>", "a label on the Device (repeatable)", collect)
    .action(async (id: string, flags: Flags) => {
      const labels = labelsFromFlags(flags.label as string[] | undefined);
      const config = credentialConfig(flags, readEnv());
      const delivery = await deliverTo(config, flags.force === true);
      await provisioningFor(config, config.natsServers).addDevice({ id, labels }, delivery);
      say(`device ${id} added; its credential file is ${config.out} (mode 0600)`);
      say(`install it on the device: iot-agent --credentials <path of that file>`);
    });

  idpOptions(device.command("disable <id>"))
    .description("refuse the device from now on and close its live connection")
    .action(async (id: string, flags: Flags) => {
      await provisioningFor(idpConfig(flags, readEnv())).disableDevice(id);
      say(`device ${id} disabled: it is refused and disconnected`);
    });

  idpOptions(device.command("enable <id>"))
    .description("let a disabled device connect again")
    .action(async (id: string, flags: Flags) => {
      await provisioningFor(idpConfig(flags, readEnv())).enableDevice(id);
      say(`device ${id} enabled`);
    });

  credentialOptions(device.command("rotate-key <id>"))
    .description("give the device a new key, write its new credential file, remove the old key")
    .action(async (id: string, flags: Flags) => {
      const config = credentialConfig(flags, readEnv());
      const delivery = await deliverTo(config, flags.force === true);
      const credentials = await provisioningFor(config, config.natsServers).rotateDeviceKey(
        id,
        delivery,
      );
      say(`device ${id} has a new key ${credentials.keyId}; the old key no longer works`);
      say(`its new credential file is ${config.out} (mode 0600): replace the one on the device`);
    });

  kubeOption(device.command("list"))
    .description("list the Device CRs: phase, online, identity, labels")
    .option(
      "--selector <selector>",
      "only devices whose labels match, kubectl syntax, e.g. 'app=kiosk,region in (eu,us)'",
    )
    .action(async (flags: Flags) => {
      const labelSelector = labelSelectorFromFlag(flags.selector as string | undefined);
      const client = DeviceClient.forKubeConfig(loadKubeConfig(listConfig(flags, readEnv())));
      const devices = await deviceRegistry(client).list(
        labelSelector === undefined ? {} : { labelSelector },
      );
      process.stdout.write(deviceTable(devices));
    });

  kubeOption(device.command("approve <id>"))
    .description(
      "approve a device that enrolled with a token (PendingApproval); iot-identity then issues its identity",
    )
    .option(
      "--label <key=value>",
      "a label to add to the Device as it is approved (repeatable)",
      collect,
    )
    .action(async (id: string, flags: Flags) => {
      const labels = labelsFromFlags(flags.label as string[] | undefined);
      const client = DeviceClient.forKubeConfig(loadKubeConfig(listConfig(flags, readEnv())));
      await approveDevice(client, id, { labels });
      say(`device ${id} approved; iot-identity issues its identity for the key it enrolled with`);
    });

  kubeOption(device.command("label <id> <changes...>"))
    .description(
      "change a Device's labels, like kubectl label: key=value sets one, key- removes one",
    )
    .action(async (id: string, changes: string[], flags: Flags) => {
      const { set, remove } = labelChangesFromArgs(changes);
      const client = DeviceClient.forKubeConfig(loadKubeConfig(listConfig(flags, readEnv())));
      const device = await changeDeviceLabels(client, id, { set, remove });
      const labels = Object.entries(device.metadata.labels ?? {})
        .map(([key, value]) => `${key}=${value}`)
        .join(",");
      say(`device ${id} labelled: ${labels === "" ? "(no labels)" : labels}`);
    });

  idpOptions(device.command("remove <id>"))
    .description("remove the device's IdP machine user (every key) and its Device CR")
    .action(async (id: string, flags: Flags) => {
      await provisioningFor(idpConfig(flags, readEnv())).removeDevice(id);
      say(`device ${id} removed`);
    });
}
