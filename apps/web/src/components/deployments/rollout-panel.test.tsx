import { rolloutSpecSchema } from "@fleet/contracts";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { rolloutStatus } from "../../deployments/rollout-testing";
import { RolloutPanel } from "./rollout-panel";

const spec = rolloutSpecSchema.parse({
  batches: [{ count: 1 }, { percentage: 50 }],
  approval: "manual",
});

describe("rollout panel - the operator's status.rollout", () => {
  it("shows revision, stable revision, phase, message and one row per batch", () => {
    const status = rolloutStatus({
      phase: "WaitingForApproval",
      message: "batch 1 of 2 passed; batch 2 waits for approval",
      states: ["Succeeded", "Pending"],
    });
    render(<RolloutPanel spec={spec} status={status} />);
    expect(screen.getByTestId("rollout-phase").textContent).toBe("Waiting for approval");
    expect(screen.getByTestId("rollout-revision").textContent).toBe("2");
    expect(screen.getByTestId("rollout-stable-revision").textContent).toBe("1");
    expect(screen.getByTestId("rollout-message").textContent).toBe(
      "batch 1 of 2 passed; batch 2 waits for approval",
    );
    const rows = screen.getAllByTestId("rollout-batch");
    expect(rows.map((r) => r.dataset.state)).toEqual(["Succeeded", "Pending"]);
    expect(rows[0]?.textContent).toContain("batch 1 of 2: 2 of 2 updated");
    expect(screen.getByTestId("rollout-settings").textContent).toBe(
      "Settings: batches 1, 50% · 90% must pass · timeout 30m · approval manual · on failure roll back.",
    );
  });

  it("counts failed and deferred devices in the batch's words", () => {
    const status = rolloutStatus({ phase: "Progressing", states: ["InProgress", "Pending"] });
    const running = status.batches[0];
    if (!running) throw new Error("no batch");
    Object.assign(running, { devices: 50, updated: 40, failed: 2, deferred: 8 });
    render(<RolloutPanel spec={spec} status={status} />);
    expect(screen.getAllByTestId("rollout-batch")[0]?.textContent).toContain(
      "batch 1 of 2: 40 of 50 updated, 2 failed, 8 offline (deferred)",
    );
  });

  it("names why the rollout stopped and each failed device with its error", () => {
    const status = rolloutStatus({
      phase: "RolledBack",
      states: ["Failed", "Pending"],
      failure: {
        reason: "BatchFailed",
        batch: 1,
        message: "2 of 2 failed",
        devices: [
          { device: "pi-1", message: "image localhost/x:2 not found" },
          { device: "pi-2", message: "exited with code 1" },
        ],
        at: "2026-01-01T00:00:00Z",
      },
    });
    render(<RolloutPanel spec={spec} status={status} />);
    const alert = screen.getByRole("alert");
    expect(within(alert).getByTestId("rollout-failure-reason").textContent).toBe("Batch failed");
    expect(alert.textContent).toContain("2 of 2 failed");
    const table = within(alert).getByRole("table", { name: "Failed devices" });
    expect(within(table).getByRole("row", { name: /pi-1/ }).textContent).toContain(
      "image localhost/x:2 not found",
    );
    expect(within(table).getAllByRole("row")).toHaveLength(3);
  });

  it("says when the operator has not reported yet, and when there are no settings", () => {
    render(<RolloutPanel spec={undefined} status={undefined} />);
    expect(screen.getByText(/has not reported a rollout/)).toBeDefined();
    expect(screen.getByText(/reaches every device at once/)).toBeDefined();
  });
});
