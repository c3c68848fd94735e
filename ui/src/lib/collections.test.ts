import { describe, expect, it } from "vitest";

import { isWithin, parentsOf, pathKey, rebase, samePath, visibleTree } from "./collections";
import { collection as col } from "./testing/fixtures";

describe("collection paths", () => {
  it("fold part by part, as the core matches them", () => {
    expect(pathKey(" Thesis /  Chapter   2 ")).toBe("thesis/chapter 2");
    expect(samePath("THESIS/chapter 2", "Thesis / Chapter 2")).toBe(true);
    expect(samePath(null, "Thesis")).toBe(false);
    expect(samePath("Thesis", "Thesis/Chapter 2")).toBe(false);
  });

  it("know what lies within a collection: itself and its subtree, not a sibling with its prefix", () => {
    expect(isWithin("Thesis", "thesis")).toBe(true);
    expect(isWithin("Thesis/Chapter 2/Figures", "Thesis/Chapter 2")).toBe(true);
    expect(isWithin("Thesis 2", "Thesis")).toBe(false);
    expect(isWithin("Thesis", "Thesis/Chapter 2")).toBe(false);
    expect(isWithin(null, "Thesis")).toBe(false);
  });

  it("follow a rename or move of themselves or of a parent", () => {
    expect(rebase("Thesis/Chapter 2/Figures", "thesis/chapter 2", "Archive/Methods")).toBe("Archive/Methods/Figures");
    expect(rebase("Thesis", "Thesis", "PhD")).toBe("PhD");
    expect(rebase("Reading group", "Thesis", "PhD")).toBe("Reading group");
  });
});

describe("the sidebar tree", () => {
  const all = [
    col({ id: 1, name: "A" }),
    col({ id: 2, name: "B", path: "A/B", parent: 1, depth: 1 }),
    col({ id: 3, name: "C", path: "A/B/C", parent: 2, depth: 2 }),
    col({ id: 4, name: "D", path: "A/D", parent: 1, depth: 1 }),
    col({ id: 5, name: "E" }),
  ];
  const paths = (collapsed: number[]) => visibleTree(all, new Set(collapsed)).map((c) => c.path);

  it("leaves out everything under a folded collection, at any depth", () => {
    expect(paths([])).toEqual(["A", "A/B", "A/B/C", "A/D", "E"]);
    expect(paths([1])).toEqual(["A", "E"]);
    expect(paths([2])).toEqual(["A", "A/B", "A/D", "E"]);
    expect(paths([2, 1])).toEqual(["A", "E"]);
  });

  it("knows which collections have children", () => {
    expect([...parentsOf(all)].sort()).toEqual([1, 2]);
  });
});
