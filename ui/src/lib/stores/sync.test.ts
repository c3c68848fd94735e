import { describe, expect, it } from "vitest";

import type { Failure, SyncReport } from "../types";
import { SyncView } from "./sync.svelte";

const outcome = (label: string, error: Failure | null) => ({
  id: 1,
  label,
  pages: 1,
  notModified: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  skipped: [],
  error,
});

const report = (over: Partial<SyncReport>): SyncReport => ({
  subscriptions: [],
  enrichment: null,
  graph: null,
  dryRun: false,
  cancelled: false,
  traffic: {},
  ...over,
});

describe("SyncView.failures", () => {
  it("names each failed part with its message, subscriptions first", () => {
    const sync = new SyncView();
    sync.report = report({
      subscriptions: [
        outcome("hf-daily", null),
        outcome("arxiv-category cs.LG", { code: "network", message: "arxiv: HTTP 503" }),
      ],
      enrichment: { asked: 3, found: 0, error: { code: "rate-limited", message: "s2: slow down" } },
    });
    expect(sync.failures).toEqual(["arxiv-category cs.LG: arxiv: HTTP 503", "Semantic Scholar: s2: slow down"]);
  });

  it("does not count the part a cancel stopped as failed, by its code", () => {
    const sync = new SyncView();
    sync.report = report({
      cancelled: true,
      subscriptions: [
        outcome("hf-daily", { code: "network", message: "hf: HTTP 502" }),
        outcome("arxiv-category cs.LG", { code: "cancelled", message: "cancelled" }),
      ],
    });
    expect(sync.failures).toEqual(["hf-daily: hf: HTTP 502"]);
  });
});
