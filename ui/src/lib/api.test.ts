import { afterEach, describe, expect, it, vi } from "vitest";

import * as api from "./api";
import { ApiError, toApiError } from "./api";
import { paper } from "./testing/fixtures";
import { clearMocks, mockBackend } from "./testing/mockBackend";

afterEach(() => clearMocks());

describe("api", () => {
  it("sends camelCase arguments to the snake_case command", async () => {
    const { calls } = mockBackend({ save_search: () => ({ id: 1, name: "Graphs", query: "graph", sort: "published", createdAt: "2025-11-23T12:00:00Z" }) });
    await api.saveSearch("Graphs", "graph", "published");
    expect(calls).toEqual([{ cmd: "save_search", args: { name: "Graphs", query: "graph", sort: "published" } }]);
  });

  it("passes tags and ids as the commands name them", async () => {
    const { calls } = mockBackend({ add_tags: () => paper({ tags: ["gnn"] }) });
    await api.addTags("2401.00001", ["gnn"]);
    expect(calls[0]).toEqual({ cmd: "add_tags", args: { id: "2401.00001", tags: ["gnn"] } });
  });

  it("turns an IpcError into an ApiError with its code and message", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    mockBackend({
      get_paper: () => {
        throw { code: "not-found", message: "paper 9999.99999 is not in the library" };
      },
    });
    const err = await api.getPaper("9999.99999").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "not-found", message: "paper 9999.99999 is not in the library" });
  });

  it("maps Tauri's plain-string errors and unknown codes to internal", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    mockBackend({
      stats: () => {
        throw "command stats not allowed by ACL";
      },
      list_tags: () => {
        throw { code: "exploded", message: "?" };
      },
    });
    await expect(api.stats()).rejects.toMatchObject({ code: "internal", message: "command stats not allowed by ACL" });
    await expect(api.listTags()).rejects.toMatchObject({ code: "internal", message: "?" });
  });

  it("mocks only commands the Rust side has, by the names invoke sends", async () => {
    // `list_papers` was removed from the shell: a mock of it no longer type-checks (if the mock
    // table ever accepted any name, this directive would be unused and fail `npm run check`).
    // @ts-expect-error not a generated command
    mockBackend({ list_papers: () => [] });
    const { calls } = mockBackend({ saved_searches: () => [] });
    await api.savedSearches();
    expect(calls.map((c) => c.cmd)).toEqual(["saved_searches"]);
  });

  it("normalises anything else", () => {
    expect(toApiError(new Error("boom"))).toMatchObject({ code: "internal", message: "boom" });
    expect(toApiError(undefined)).toMatchObject({ code: "internal", message: "undefined" });
    expect(toApiError({ code: "busy" })).toMatchObject({ code: "busy" });
    const same = new ApiError("io", "disk");
    expect(toApiError(same)).toBe(same);
  });
});
