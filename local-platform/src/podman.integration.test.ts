import { Agent, request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./ports.js";
import { NGINX_CONTAINER_PORT, nginxImageRef, platformConnection } from "./testing/index.js";
import { waitUntil } from "./wait.js";

const LIBPOD = "http://d/v4.0.0/libpod";

describe("local platform - podman API service", () => {
  const name = `it-nginx-${Date.now()}`;
  let dispatcher: Agent | undefined;

  async function podman(
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    dispatcher ??= new Agent({
      connect: { socketPath: (await platformConnection()).podmanSocket },
    });
    const res = await request(`${LIBPOD}${path}`, {
      method,
      dispatcher,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  afterAll(async () => {
    await podman("DELETE", `/containers/${name}?force=true`).catch(() => undefined);
    await dispatcher?.close();
  });

  it("runs the local nginx image, serves HTTP on a published port, and removes it", async () => {
    const hostPort = await freePort();
    const created = await podman("POST", "/containers/create", {
      name,
      image: nginxImageRef("1.0"),
      portmappings: [
        { host_port: hostPort, container_port: NGINX_CONTAINER_PORT, protocol: "tcp" },
      ],
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect((await podman("POST", `/containers/${name}/start`)).status).toBe(204);

    let page = { status: 0, body: "", tag: "" };
    await waitUntil(
      async () => {
        const res = await fetch(`http://127.0.0.1:${hostPort}/`);
        page = {
          status: res.status,
          body: await res.text(),
          tag: res.headers.get("x-fleet-image-tag") ?? "",
        };
        return true;
      },
      { what: "nginx in the container", timeoutMs: 20_000 },
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain("Served by fleet-nginx 1.0");
    expect(page.tag).toBe("1.0");

    expect((await podman("DELETE", `/containers/${name}?force=true`)).status).toBe(200);
    expect((await podman("GET", `/containers/${name}/exists`)).status).toBe(404);
  });
});
