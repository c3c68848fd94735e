import { describe, expect, it } from "vitest";

import { fuzzyScore, matchCommands, type Command } from "./palette";

const cmd = (label: string, enabled = true): Command => ({ id: label, label, group: "App", run: () => {}, enabled });

describe("palette matching", () => {
  it("matches letters in order and prefers word starts", () => {
    expect(fuzzyScore("Mark as read", "mar")).not.toBeNull();
    expect(fuzzyScore("Mark as read", "xyz")).toBeNull();
    expect(fuzzyScore("Archive", "arc")! > fuzzyScore("Search", "arc")!).toBe(true);
  });

  it("lists enabled commands best first, all of them for an empty query", () => {
    const list = [cmd("Search library"), cmd("Archive"), cmd("Mark as read"), cmd("Hidden", false)];
    expect(matchCommands(list, "").map((c) => c.label)).toEqual(["Search library", "Archive", "Mark as read"]);
    expect(matchCommands(list, "arch")[0].label).toBe("Archive");
    expect(matchCommands(list, "hidden")).toEqual([]);
  });
});
