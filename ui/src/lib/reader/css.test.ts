import viewerCss from "pdfjs-dist/web/pdf_viewer.css?raw";
import { expect, it } from "vitest";

// pdf.js's viewer stylesheet, loaded with the reader, styles generic class names of its own
// viewer app. A component using one of them would change look once a PDF has been opened.
// The classes a rule's subject can be without any ancestor of pdf.js's own: those in the first
// compound selector of each top-level rule (rules nested in another rule, CSS nesting, are
// scoped by it; @media and similar blocks are not scopes).
function topLevelClasses(css: string): Set<string> {
  const out = new Set<string>();
  const stack: ("group" | "rule" | "other")[] = [];
  let prelude = "";
  for (const ch of css.replace(/\/\*[\s\S]*?\*\//g, "")) {
    if (ch === "{") {
      const head = prelude.trim();
      prelude = "";
      if (head.startsWith("@")) {
        stack.push(/^@(media|supports|layer|container|scope)\b/.test(head) ? "group" : "other");
        continue;
      }
      if (stack.every((s) => s === "group")) {
        for (const selector of head.split(",")) {
          const first = selector.trim().split(/[\s>+~]/)[0] ?? "";
          for (const m of first.matchAll(/\.([A-Za-z][\w-]*)/g)) out.add(m[1]!);
        }
      }
      stack.push("rule");
    } else if (ch === "}") {
      stack.pop();
      prelude = "";
    } else if (ch === ";") {
      prelude = "";
    } else {
      prelude += ch;
    }
  }
  return out;
}

const theirs = topLevelClasses(viewerCss);

const components = import.meta.glob<string>("../../**/*.svelte", { query: "?raw", import: "default", eager: true });

it("no component uses a class name pdf.js's viewer stylesheet styles", () => {
  const clashes: string[] = [];
  expect(Object.keys(components).length).toBeGreaterThan(20);
  for (const [file, source] of Object.entries(components)) {
    for (const m of source.matchAll(/class="([^"{}]+)"/g)) {
      for (const name of m[1]!.split(/\s+/)) {
        // The reader hands pdf.js its own container and viewer elements.
        if (theirs.has(name) && name !== "pdfViewer") clashes.push(`${file}: ${name}`);
      }
    }
  }
  expect(clashes).toEqual([]);
});
