import { render } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";

import SnippetText from "./SnippetText.svelte";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("SnippetText", () => {
  it("wraps matches in <mark> at byte offsets in multibyte text", () => {
    const text = "Über positional encodings — für Graphen";
    const start = bytes("Über ");
    const { container } = render(SnippetText, {
      snippet: { text, highlights: [{ start, end: start + bytes("positional") }] },
    });
    const marks = container.querySelectorAll("mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["positional"]);
    expect(container.textContent).toBe(text);
  });

  it("shows markup in titles as text and creates no element from it", () => {
    const text = '<img src=x onerror="alert(1)"> Graph <b>bold</b>';
    const start = text.indexOf("Graph");
    const { container } = render(SnippetText, {
      snippet: { text, highlights: [{ start: 0, end: 4 }, { start, end: start + 5 }] },
    });
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.textContent).toBe(text);
    expect([...container.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["<img", "Graph"]);
  });
});
