import { describe, expect, it } from "vitest";
import { metricSum } from "./prometheus-text.js";

const PAGE = `# HELP identity_callout_total Auth-callout requests.
# TYPE identity_callout_total counter
identity_callout_total{kind="device",result="admitted",reason=""} 998
identity_callout_total{kind="device",result="refused",reason="token expired"} 2
identity_callout_total{kind="browser",result="admitted",reason=""} 5
identity_callout_total_extra{kind="device",result="admitted"} 1000
identity_process_cpu_seconds_total 1.5
`;

describe("metricSum - a counter from a /metrics page", () => {
  it("adds up the series whose labels include the wanted ones", () => {
    expect(metricSum(PAGE, "identity_callout_total", { kind: "device" })).toBe(1000);
    expect(metricSum(PAGE, "identity_callout_total", { result: "admitted" })).toBe(1003);
    expect(metricSum(PAGE, "identity_callout_total", { kind: "device", result: "admitted" })).toBe(
      998,
    );
  });

  it("reads a series without labels, and is 0 for a metric or label set not on the page", () => {
    expect(metricSum(PAGE, "identity_process_cpu_seconds_total")).toBe(1.5);
    expect(metricSum(PAGE, "identity_callout_total", { kind: "unknown" })).toBe(0);
    expect(metricSum(PAGE, "no_such_metric")).toBe(0);
  });
});
