import { describe, expect, it } from "vitest";
import { LABELS, isOwnedBy } from "@fleet/contracts";
import { containerSpecFor } from "./container-spec.js";

describe("container spec - from a PodmanV0 service", () => {
  it("container spec - carries image, ports, env, command and the ownership labels", () => {
    const spec = containerSpecFor({
      device: "pi-1",
      key: "pi-1.demo.web_v2",
      hash: "h1",
      service: {
        name: "nginx",
        image: "localhost/fleet-nginx:1.0",
        ports: [
          { hostPort: 8080, containerPort: 80, protocol: "TCP" },
          { hostPort: 5353, containerPort: 53, protocol: "UDP" },
        ],
        env: { MODE: "edge" },
        command: ["/usr/sbin/nginx", "-g", "daemon off;"],
      },
    });
    expect(spec).toEqual({
      name: "fleet_pi-1_demo_web.v2_nginx",
      image: "localhost/fleet-nginx:1.0",
      labels: {
        [LABELS.managedBy]: "iot-agent",
        [LABELS.device]: "pi-1",
        [LABELS.deploymentKey]: "pi-1.demo.web_v2",
        [LABELS.payloadHash]: "h1",
        [LABELS.service]: "nginx",
      },
      portmappings: [
        { host_port: 8080, container_port: 80, protocol: "tcp" },
        { host_port: 5353, container_port: 53, protocol: "udp" },
      ],
      env: { MODE: "edge" },
      command: ["/usr/sbin/nginx", "-g", "daemon off;"],
      restart_policy: "no",
    });
    expect(isOwnedBy(spec.labels, "pi-1")).toBe(true);
    expect(isOwnedBy(spec.labels, "pi-2")).toBe(false);
  });
});
