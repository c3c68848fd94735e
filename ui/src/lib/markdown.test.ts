import { marked } from "marked";
import { afterEach, describe, expect, it, vi } from "vitest";

import {
  isExternalUrl,
  MAX_MARKDOWN_LENGTH,
  MAX_NESTING,
  renderMarkdown,
  tooComplexToRender,
} from "./markdown";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("renderMarkdown", () => {
  it("renders the Markdown people write in notes", () => {
    const html = renderMarkdown("# Idea\n\n- **bold** and *em*\n- `code`\n\n> quote\n\n[paper](https://arxiv.org/abs/2310.02579)");
    expect(html).toContain("<h1>Idea</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain('<a href="https://arxiv.org/abs/2310.02579">paper</a>');
  });

  it("drops script, handlers, images, styles and non-http links", () => {
    const hostile = [
      "<script>window.pwned = 1</script>",
      "<img src=x onerror=\"window.pwned = 1\">",
      '<a href="javascript:window.pwned=1">click</a>',
      "[md link](javascript:alert(1))",
      '<div style="position:fixed" onclick="x()">styled</div>',
      "<iframe src=\"https://example.com\"></iframe>",
      "![img](https://example.com/x.png)",
      "<svg><script>1</script></svg>",
    ].join("\n\n");
    const html = renderMarkdown(hostile);
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<img|<iframe|style=|<svg/i);
    expect(html).toContain("click");
    expect(html).toContain("styled");
  });
});

describe("notes too deep or too heavy for marked", () => {
  // Each of these froze the page, overflowed marked's stack, or kept it busy for more than
  // 100 ms on a 2-core machine before the scan caught it. The tests assert that marked is never
  // called on them, not how long anything takes, so they hold on any machine.
  const nestedEmphasis = (open: string, close: string, n = 5000) =>
    `${`${open}a `.repeat(n)}x${` b${close}`.repeat(n)}`;
  const hostile: [string, string][] = [
    ["a 3,000-level list", Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i * 2)}- level ${i}`).join("\n")],
    ["20,000 quote markers", `${">".repeat(20000)} deep`],
    ["list markers on one line", `${"* ".repeat(5000)}x`],
    ["ordered lists", Array.from({ length: 500 }, (_, i) => `${" ".repeat(i * 3)}1. x`).join("\n")],
    ["10,000 stars", `${"*".repeat(10000)}x${"*".repeat(10000)}`],
    ["5,000 nested emphases", nestedEmphasis("*", "*")],
    ["5,000 nested underscores", nestedEmphasis("_", "_")],
    ["5,000 nested strong emphases", nestedEmphasis("**", "**")],
    ["5,000 nested strikethroughs", nestedEmphasis("~~", "~~")],
    ["40 nested emphases across lines", nestedEmphasis("*", "*", 40).replaceAll(" ", "\n")],
    ["5,000 nested links", `${"[a ".repeat(5000)}x${"](https://x.org)".repeat(5000)}`],
    ["4,000 intraword underscores", "a_".repeat(4000)],
    ["30,000 intraword stars", "a*".repeat(30000)],
    ["a note longer than the length bound", "Some *emphasis* and a [link](https://x.org).\n\n".repeat(1000)],
    ["a wide table", `|${"a|".repeat(20000)}\n|${"-|".repeat(20000)}`],
    ["unclosed HTML", "<a ".repeat(30000)],
  ];
  for (const [name, body] of hostile) {
    it(`shows ${name} as escaped plain text, without running marked`, () => {
      const parse = vi.spyOn(marked, "parse");
      const text = `<img src=x onerror="window.pwned=1">\n${body}`;
      expect(tooComplexToRender(text)).not.toBeNull();
      const html = renderMarkdown(text);
      expect(parse).not.toHaveBeenCalled();
      expect(html).toContain("Shown as plain text");
      expect(html).toContain("<pre>");
      // The payload is text: no element, so no handler.
      expect(html).not.toMatch(/<img/);
      expect(html).toContain("&lt;img src=x");
    });
  }

  it("shows whatever marked still throws on as text instead of failing", () => {
    vi.spyOn(marked, "parse").mockImplementation(() => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    const html = renderMarkdown("<img src=x onerror=\"window.pwned=1\"> *fine*");
    expect(html).toContain("Shown as plain text: too complex to render as Markdown.");
    expect(html).not.toMatch(/<img/);
  });

  it("renders what people write, up to the bounds", () => {
    const nested = Array.from({ length: MAX_NESTING }, (_, i) => `${"  ".repeat(i)}- item ${i}`).join("\n");
    const code = `\`\`\`python\n${" ".repeat(120)}return x\n\`\`\``;
    const deepEmphasis = nestedEmphasis("*", "*", MAX_NESTING);
    const approximations = Array.from({ length: 200 }, (_, i) => `~${i} ms, *note ${i}`).join(" ");
    const identifiers = Array.from({ length: 150 }, (_, i) => `snake_case_${i} and 2*${i}`).join(" ");
    // Long enough for a real note; the length bound itself is checked on the scan alone below,
    // since sanitising a long preview under jsdom is slow.
    const longNote = "## Notes\n\nSome *emphasis*, **bold**, `code` and a [link](https://x.org).\n\n- a\n- b\n\n".repeat(100);
    const codeFull = `\`\`\`\n${"*a ".repeat(5000)}\n\`\`\``;
    for (const text of [
      nested,
      code,
      "**bold** and __strong__ and ***both***",
      "---\n\n***",
      deepEmphasis,
      approximations,
      identifiers,
      longNote,
      codeFull,
    ]) {
      expect(tooComplexToRender(text)).toBeNull();
      expect(renderMarkdown(text)).not.toContain("Shown as plain text");
    }
    expect(renderMarkdown(nested).match(/<ul>/g)?.length).toBe(MAX_NESTING);
    expect(renderMarkdown(deepEmphasis).match(/<em>/g)?.length).toBe(MAX_NESTING);
  });

  it("draws each bound one step past what it renders", () => {
    const emphasis = (n: number) => `${"*a ".repeat(n)}x${" b*".repeat(n)}`;
    const brackets = (n: number) => `${"[".repeat(n)}x${"]".repeat(n)}`;
    expect(tooComplexToRender(emphasis(MAX_NESTING))).toBeNull();
    expect(tooComplexToRender(emphasis(MAX_NESTING + 1))).toMatch(/emphasis nested/);
    expect(tooComplexToRender(brackets(MAX_NESTING))).toBeNull();
    expect(tooComplexToRender(brackets(MAX_NESTING + 1))).toMatch(/brackets nested/);
    expect(tooComplexToRender("x".repeat(MAX_MARKDOWN_LENGTH))).toBeNull();
    expect(tooComplexToRender("x".repeat(MAX_MARKDOWN_LENGTH + 1))).toMatch(/longer than/);
    // Openers nobody closes do not nest.
    expect(tooComplexToRender("*a ".repeat(1000))).toBeNull();
    // Paragraphs are counted apart: many short ones are as cheap as one.
    expect(tooComplexToRender("*a* ".repeat(300).concat("\n\n").repeat(20))).toBeNull();
    expect(tooComplexToRender("*a* ".repeat(2000))).toMatch(/too many/);
  });
});

describe("isExternalUrl", () => {
  it("accepts only http and https", () => {
    expect(isExternalUrl("https://arxiv.org/abs/1")).toBe(true);
    expect(isExternalUrl("http://example.com")).toBe(true);
    for (const bad of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "/relative", "tauri://x"]) {
      expect(isExternalUrl(bad)).toBe(false);
    }
  });
});
