import { describe, expect, it } from "vitest";

import { isWithin, pathKey, rebase, samePath } from "./collections";

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
