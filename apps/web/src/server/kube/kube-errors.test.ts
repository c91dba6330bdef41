import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { toTrpcError } from "./kube-errors";

const apiError = (code: number, body: unknown): ApiException<unknown> =>
  new ApiException(code, "HTTP error", JSON.stringify(body), {});

describe("kube errors - mapping to tRPC", () => {
  it("turns 403 into FORBIDDEN naming the action and RBAC", () => {
    const error = toTrpcError(apiError(403, { message: "forbidden" }), {
      verb: "create",
      namespace: "default",
      name: "web",
    });
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe(
      'You may not create deployment "web" in namespace "default" (Kubernetes RBAC)',
    );
  });

  it("names a device (cluster-scoped) when the action is on one", () => {
    const error = toTrpcError(apiError(403, { message: "forbidden" }), {
      verb: "update",
      kind: "device",
      name: "pi-1",
    });
    expect(error.message).toBe('You may not update device "pi-1" (Kubernetes RBAC)');
  });

  it("turns 401 (the user's token refused) into UNAUTHORIZED, so the page offers sign-in", () => {
    const error = toTrpcError(apiError(401, { message: "Unauthorized" }), { verb: "list" });
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.message).toBe("Kubernetes no longer accepts your sign-in; sign in again");
  });

  it("turns 409 on create into CONFLICT already exists", () => {
    const error = toTrpcError(apiError(409, {}), {
      verb: "create",
      namespace: "default",
      name: "web",
    });
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("already exists");
  });

  it("turns 422 into BAD_REQUEST with the API server's field message", () => {
    const body = {
      message: "invalid",
      details: { causes: [{ field: "spec.targetDevices", message: "Required value" }] },
    };
    const error = toTrpcError(apiError(422, body), { verb: "create" });
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("spec.targetDevices: Required value");
  });
});
