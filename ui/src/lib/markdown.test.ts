import { describe, expect, it } from "vitest";

import { isExternalUrl, MAX_NESTING, renderMarkdown, tooDeepToRender } from "./markdown";

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

describe("notes too deep for marked", () => {
  // Each of these froze the page or overflowed marked's stack before it was caught.
  const hostile: [string, string][] = [
    ["a 3,000-level list", Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i * 2)}- level ${i}`).join("\n")],
    ["20,000 quote markers", `${">".repeat(20000)} deep`],
    ["list markers on one line", `${"* ".repeat(5000)}x`],
    ["ordered lists", Array.from({ length: 500 }, (_, i) => `${" ".repeat(i * 3)}1. x`).join("\n")],
    ["10,000 stars", `${"*".repeat(10000)}x${"*".repeat(10000)}`],
  ];
  for (const [name, body] of hostile) {
    it(`shows ${name} as escaped plain text, at once`, () => {
      const text = `<img src=x onerror="window.pwned=1">\n${body}`;
      expect(tooDeepToRender(text)).not.toBeNull();
      const started = performance.now();
      const html = renderMarkdown(text);
      // Not a timing assertion on speed, a guard against the hang: marked took minutes.
      expect(performance.now() - started).toBeLessThan(5000);
      expect(html).toContain("Shown as plain text");
      expect(html).toContain("<pre>");
      // The payload is text: no element, so no handler.
      expect(html).not.toMatch(/<img/);
      expect(html).toContain("&lt;img src=x");
    });
  }

  it("shows what marked still cannot parse as text instead of failing", () => {
    // 5,000 nested emphases pass the cheap checks and overflow marked's stack.
    const text = `${"*a ".repeat(5000)}x${" b*".repeat(5000)}`;
    expect(tooDeepToRender(text)).toBeNull();
    const html = renderMarkdown(text);
    expect(html).toContain("Shown as plain text: too complex to render as Markdown.");
  });

  it("renders what people write, code blocks with deep indentation included", () => {
    const nested = Array.from({ length: MAX_NESTING }, (_, i) => `${"  ".repeat(i)}- item ${i}`).join("\n");
    const code = `\`\`\`python\n${" ".repeat(120)}return x\n\`\`\``;
    for (const text of [nested, code, "**bold** and __strong__ and ***both***", "---\n\n***"]) {
      expect(tooDeepToRender(text)).toBeNull();
      expect(renderMarkdown(text)).not.toContain("Shown as plain text");
    }
    expect(renderMarkdown(nested).match(/<ul>/g)?.length).toBe(MAX_NESTING);
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
