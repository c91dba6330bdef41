import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { BatchBar } from "./batch-bar.js";

const widths = (container: HTMLElement): string[] =>
  [...container.querySelectorAll<HTMLElement>("[aria-hidden] > div")].map((d) => d.style.width);

describe("batch bar - segments", () => {
  it("sizes updated, failed and deferred against the batch's devices", () => {
    const { container } = render(
      <BatchBar counts={{ devices: 10, updated: 5, failed: 2, deferred: 1 }} />,
    );
    expect(widths(container)).toEqual(["50%", "20%", "10%"]);
  });

  it("shows the rest as updating only while the batch runs", () => {
    const counts = { devices: 4, updated: 1, failed: 0, deferred: 0 };
    const idle = render(<BatchBar counts={counts} />);
    expect(idle.container.querySelector(".animate-pulse")).toBeNull();
    const running = render(<BatchBar counts={counts} active />);
    expect(running.container.querySelector(".animate-pulse")).not.toBeNull();
  });

  it("draws nothing for an empty batch", () => {
    const { container } = render(
      <BatchBar counts={{ devices: 0, updated: 0, failed: 0, deferred: 0 }} />,
    );
    expect(widths(container)).toEqual([]);
  });
});
