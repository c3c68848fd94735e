import { describe, expect, it } from "vitest";

import { completeDraft, suggestTags, typedPart } from "./tags";

describe("tag completion", () => {
  const known = ["llm", "graphs", "diffusion", "llm-agents", "vision-llm", "reading-group"];

  it("suggests prefix matches first, then inner matches, never tags the paper has", () => {
    expect(suggestTags(known, "ll", [])).toEqual(["llm", "llm-agents", "vision-llm"]);
    expect(suggestTags(known, "LL", ["llm"])).toEqual(["llm-agents", "vision-llm"]);
    expect(suggestTags(known, "", [])).toEqual([]);
    expect(suggestTags(known, "llm", [])).toEqual(["llm-agents", "vision-llm"]);
    expect(suggestTags(known, "g", [], 2)).toEqual(["graphs", "llm-agents"]);
  });

  it("completes only the tag being typed", () => {
    expect(typedPart("graphs, #Dif")).toBe("dif");
    expect(completeDraft("graphs, dif", "diffusion")).toBe("graphs, diffusion");
    expect(completeDraft("dif", "diffusion")).toBe("diffusion");
  });
});
