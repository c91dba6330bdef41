import { describe, expect, it } from "vitest";
import type { CheckResult } from "./checklist.js";
import { formatCheck, formatReport, formatSummary } from "./report.js";

const pass = (name: string, detail: string): CheckResult => ({ name, status: "pass", detail });
const fail = (name: string, detail: string): CheckResult => ({ name, status: "fail", detail });
const notRun = (name: string, detail: string): CheckResult => ({ name, status: "not-run", detail });

describe("doctor - report", () => {
  it("doctor report - one line per check: a mark, the check's name and what was seen or why not", () => {
    expect(formatCheck(pass("token issued", "https://idp issued one"))).toBe(
      "✓ token issued: https://idp issued one",
    );
    expect(formatCheck(fail("podman socket answers", "connect ENOENT /run/podman.sock"))).toBe(
      "✗ podman socket answers: connect ENOENT /run/podman.sock",
    );
    expect(formatCheck(notRun("own keys readable", "not checked: needs a NATS connection"))).toBe(
      "✗ own keys readable: not checked: needs a NATS connection",
    );
  });

  it("doctor report - a reason with line breaks stays on its check's line", () => {
    expect(formatCheck(fail("token issued", "refused:\n  invalid_grant\n"))).toBe(
      "✗ token issued: refused: invalid_grant",
    );
  });

  it("doctor report - the summary counts what failed and what could not run", () => {
    expect(formatSummary([pass("a", "x"), pass("b", "y")])).toBe("all 2 checks passed");
    expect(
      formatSummary([pass("a", "x"), fail("b", "y"), notRun("c", "z"), notRun("d", "z")]),
    ).toBe("1 failed, 2 not run of 4 checks");
    expect(formatSummary([fail("a", "x"), pass("b", "y")])).toBe("1 failed of 2 checks");
  });

  it("doctor report - the whole report is the checks in order, then the summary", () => {
    expect(formatReport([pass("a", "x"), fail("b", "y")])).toBe(
      "✓ a: x\n✗ b: y\n1 failed of 2 checks\n",
    );
  });
});
