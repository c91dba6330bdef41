import { MESSAGE_MAX_LENGTH } from "@fleet/contracts";
import { describe, expect, it } from "vitest";
import { StatusBook } from "./status-book.js";

describe("status book - phases", () => {
  it("status book - signals a change only when phase or error text changes", () => {
    let changes = 0;
    let now = 0;
    const book = new StatusBook(
      () => (changes += 1),
      () => new Date(now),
    );
    expect(book.set("k", { phase: "Pending" })).toBe(true);
    now = 1000;
    expect(book.set("k", { phase: "Pending" })).toBe(false);
    expect(book.set("k", { phase: "Failed", lastError: "exited with code 1" })).toBe(true);
    expect(book.set("k", { phase: "Failed", lastError: "exited with code 2" })).toBe(true);
    expect(book.set("k", { phase: "Running" })).toBe(true);
    expect(changes).toBe(4);
    expect(book.get("k")).toEqual({ phase: "Running", lastEventAt: "1970-01-01T00:00:01.000Z" });
  });

  it("status book - a new revision in the same phase is a change, reported with the phase", () => {
    let changes = 0;
    let now = 0;
    const book = new StatusBook(
      () => (changes += 1),
      () => new Date(now),
    );
    expect(book.set("k", { phase: "Running", revision: 1 })).toBe(true);
    expect(book.set("k", { phase: "Running", revision: 1 })).toBe(false);
    now = 2000;
    expect(book.set("k", { phase: "Running", revision: 2 })).toBe(true);
    expect(changes).toBe(2);
    expect(book.snapshot()).toEqual({
      k: { phase: "Running", revision: 2, lastEventAt: "1970-01-01T00:00:02.000Z" },
    });
    // An entry without a revision (an older operator) is reported without one.
    expect(book.set("k", { phase: "Running" })).toBe(true);
    expect(book.get("k")).not.toHaveProperty("revision");
  });

  it("status book - removing a deployment is a change; removing an unknown one is not", () => {
    let changes = 0;
    const book = new StatusBook(() => (changes += 1));
    book.set("k", { phase: "Running" });
    expect(book.remove("k")).toBe(true);
    expect(book.remove("k")).toBe(false);
    expect(changes).toBe(2);
    expect(book.snapshot()).toEqual({});
  });

  it("status book - clips a huge error text, and the same huge text again is no change", () => {
    let changes = 0;
    const book = new StatusBook(() => (changes += 1));
    const huge = `cannot pull image "${"a".repeat(600_000)}"`;
    expect(book.set("k", { phase: "Failed", lastError: huge })).toBe(true);
    expect(book.get("k")?.lastError).toHaveLength(MESSAGE_MAX_LENGTH);
    expect(book.set("k", { phase: "Failed", lastError: huge })).toBe(false);
    expect(changes).toBe(1);
  });
});
