import { describe, expect, it } from "vitest";

import { snippetParts } from "./snippet";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("snippetParts", () => {
  it("marks ASCII ranges", () => {
    expect(snippetParts({ text: "graph neural networks", highlights: [{ start: 6, end: 12 }] })).toEqual([
      { text: "graph ", marked: false },
      { text: "neural", marked: true },
      { text: " networks", marked: false },
    ]);
  });

  it("reads offsets as UTF-8 bytes, not UTF-16 indices", () => {
    // "é" is 2 bytes, "—" 3, "😀" 4 (and 2 UTF-16 units): string indices would drift.
    const text = "Déjà vu — 😀 encodings for graphs";
    const start = bytes("Déjà vu — 😀 ");
    const end = start + bytes("encodings");
    const parts = snippetParts({ text, highlights: [{ start: 0, end: bytes("Déjà") }, { start, end }] });
    expect(parts).toEqual([
      { text: "Déjà", marked: true },
      { text: " vu — 😀 ", marked: false },
      { text: "encodings", marked: true },
      { text: " for graphs", marked: false },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });

  it("marks CJK words", () => {
    const text = "图神经网络的位置编码";
    const start = bytes("图神经网络的");
    expect(snippetParts({ text, highlights: [{ start, end: start + bytes("位置") }] })).toEqual([
      { text: "图神经网络的", marked: false },
      { text: "位置", marked: true },
      { text: "编码", marked: false },
    ]);
  });

  it("survives unsorted, overlapping, out-of-range and mid-character offsets", () => {
    const text = "ñandú graph";
    const parts = snippetParts({
      text,
      highlights: [
        { start: 8, end: 99 },
        { start: 1, end: 3 }, // inside "ñ" (bytes 0–1) … "a"
        { start: 2, end: 4 }, // overlaps the previous one
      ],
    });
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual(["ña", "n", "graph"]);
  });

  it("returns the whole text unmarked without highlights, and nothing for empty text", () => {
    expect(snippetParts({ text: "plain", highlights: [] })).toEqual([{ text: "plain", marked: false }]);
    expect(snippetParts({ text: "", highlights: [] })).toEqual([]);
  });
});
