import { describe, expect, it } from "vitest";

import { findQuote, fold, inkPolylines, inkWidth, mergeLines, rangeOfQuote, storedRects, toBox, toPdfRects, type PageGeometry } from "./anchors";

// A US Letter page at scale 2, as pdf.js's viewport maps it: y flips, origin bottom-left.
const viewport: PageGeometry = {
  convertToPdfPoint: (x, y) => [x / 2, 792 - y / 2],
  convertToViewportPoint: (x, y) => [x * 2, (792 - y) * 2],
};

describe("rectangles between the page and PDF points", () => {
  it("round-trips a highlight's box", () => {
    const [rect] = toPdfRects([{ left: 110, top: 220, width: 200, height: 24 }], { left: 10, top: 20, width: 1224, height: 1584 }, viewport);
    expect(rect).toEqual([50, 680, 150, 692]);
    expect(toBox(rect!, viewport)).toEqual({ left: 100, top: 200, width: 200, height: 24 });
  });

  it("merges the pieces of a line and keeps lines apart", () => {
    const lines = mergeLines([
      { left: 0, top: 0, width: 50, height: 20 },
      { left: 52, top: 1, width: 40, height: 19 },
      { left: 0, top: 24, width: 80, height: 20 },
    ]);
    expect(lines).toEqual([
      { left: 0, top: 0, width: 92, height: 20 },
      { left: 0, top: 24, width: 80, height: 20 },
    ]);
  });

  it("drops slivers and what lies outside the page", () => {
    const page = { left: 0, top: 0, width: 100, height: 100 };
    expect(toPdfRects([{ left: 10, top: 10, width: 0.5, height: 10 }, { left: 200, top: 10, width: 10, height: 10 }], page, viewport)).toEqual([]);
  });

  it("ignores stored rectangles with holes", () => {
    expect(storedRects([[1, 2, 3, 4], [1, null, 3, 4], [1, 2]])).toEqual([[1, 2, 3, 4]]);
  });
});

describe("a quote found again in a text layer", () => {
  it("folds case, white space, hyphenation and ligatures", () => {
    expect(fold("Dense  repre-\nsentation ﬁne").folded).toBe("denserepresentationfine");
    expect(findQuote("we train a dense repre-\nsentation here", "dense representation")).toEqual({ start: 11, end: 33 });
    expect(findQuote("nothing here", "dense")).toBeNull();
    expect(findQuote("text", "   ")).toBeNull();
  });

  it("maps back past characters outside the BMP", () => {
    const text = "𝐱 is the input";
    const found = findQuote(text, "is the");
    expect(text.slice(found!.start, found!.end)).toBe("is the");
  });

  it("spans text nodes split the way pdf.js splits spans", () => {
    const layer = document.createElement("div");
    layer.innerHTML = "<span>we train a better dense repre-</span><br><span>sentation of pas</span><span>sages</span>";
    const range = rangeOfQuote(layer, "dense representation of passages");
    expect(range?.toString()).toBe("dense repre-sentation of passages");
    expect(rangeOfQuote(layer, "not there")).toBeNull();
  });
});

describe("ink drawings from other readers", () => {
  it("turns each stroke into polyline points on the page", () => {
    const shape = JSON.stringify({ pageIndex: 0, width: 2, paths: [[100, 792, 110, 782], [0, 0]] });
    expect(inkPolylines(shape, viewport)).toEqual(["200,0 220,20"]);
    expect(inkWidth(shape)).toBe(2);
  });

  it("leaves out what it cannot read and never throws", () => {
    expect(inkPolylines(null, viewport)).toEqual([]);
    expect(inkPolylines("{not json", viewport)).toEqual([]);
    expect(inkPolylines(JSON.stringify({ paths: "x" }), viewport)).toEqual([]);
    expect(inkPolylines(JSON.stringify({ paths: [[1, "a", 2, 3, 4, 5, null, 6]] }), viewport)).toEqual(["4,1578 8,1574"]);
    expect(inkWidth("{}")).toBe(1);
    expect(inkWidth("nope")).toBe(1);
  });
});
