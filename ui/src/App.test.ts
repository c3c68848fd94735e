import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";

import App from "./App.svelte";
import type { BrowseRequest, BrowseResults, Paper, Subscription } from "./lib/types";
import { collection, hit, paper, results, stats, type SearchResults } from "./lib/testing/fixtures";
import { clearMocks, deferred, mockBackend, settled, type Call, type Handlers } from "./lib/testing/mockBackend";

afterEach(() => clearMocks());

const library = [hit(), hit({ id: "2310.02579", arxivId: "2310.02579", title: "On the Stability of Expressive Positional Encodings for Graphs" })];

/**
 * The mocked Rust side: `extra` adds or replaces command handlers. `browse`, the one command the
 * list calls, answers an empty query with `library` and a query with words from `search`.
 */
function backend(extra: Handlers = {}, search: (query: string) => SearchResults | Promise<SearchResults> = (q) => results(q, [])) {
  return mockBackend({
    stats: () => stats(),
    list_tags: () => [],
    list_collections: () => [],
    list_subscriptions: () => [],
    saved_searches: () => [],
    mirror_status: () => ({ enabled: false, dir: null, lastWritten: null, papers: null, lastError: null, dirty: false }),
    browse: async (a) => {
      const r = a.request as Required<BrowseRequest>;
      const page = { offset: 0, facets: null, totalExact: true };
      if (r.query.trim() === "") {
        return { query: r.query, total: library.length, sort: r.sort ?? "added", hits: library, fuzzy: false, notices: [], ...page };
      }
      return { ...(await search(r.query)), sort: r.sort ?? "relevance", ...page } satisfies BrowseResults;
    },
    ...extra,
  });
}

/** The queries the list asked for, in order (the empty first load and facet counts left out). */
const searched = (calls: Call[]) =>
  calls
    .filter((c) => c.cmd === "browse" && !(c.args.request as Required<BrowseRequest>).facets)
    .map((c) => (c.args.request as Required<BrowseRequest>).query)
    .filter((q) => q !== "");

const titles = () => screen.queryAllByTestId("result-title").map((t) => t.textContent);
const chips = () => screen.queryAllByTestId("detail-tag").map((t) => t.textContent?.replace("×", "").trim());

describe("App", () => {
  it("starts with the search box focused and the newest papers listed", async () => {
    backend();
    render(App);
    expect(document.activeElement).toBe(screen.getByTestId("search-input"));
    await waitFor(() => expect(titles()).toHaveLength(2));
    expect(screen.getByTestId("result-summary").textContent).toContain("2 papers");
    // The sidebar's counts are asked for once the rows are drawn.
    await waitFor(() => expect(screen.getByTestId("status-count-inbox").textContent).toContain("2"));
  });

  it("searches as you type and never lets a stale answer overwrite a newer one", async () => {
    const pending = new Map<string, ReturnType<typeof deferred<SearchResults>>>();
    const { calls } = backend({}, (query) => {
      const d = deferred<SearchResults>();
      pending.set(query, d);
      return d.promise;
    });
    const user = userEvent.setup();
    render(App);
    await user.type(screen.getByTestId("search-input"), "gr");
    expect(searched(calls)).toEqual(["g", "gr"]);

    // The newer answer arrives first, then the older one: the older one must be dropped.
    pending.get("gr")!.resolve(results("gr", [hit({ id: "new", title: "Graph transformers" })]));
    await waitFor(() => expect(titles()).toEqual(["Graph transformers"]));
    pending.get("g")!.resolve(results("g", [hit({ id: "old", title: "Generative models" })]));
    await settled();
    expect(titles()).toEqual(["Graph transformers"]);
    expect(screen.getByTestId("result-summary").textContent).toContain("1 result");
  });

  it("sends the sidebar scope with the query", async () => {
    const { calls } = backend();
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId("status-count-to-read"));
    await user.type(screen.getByTestId("search-input"), "gnn");
    // The request for the finished query (an earlier test's delayed facet request can land in
    // this test's calls after it, so not simply the last call).
    const last = calls
      .filter((c) => c.cmd === "browse" && (c.args.request as Required<BrowseRequest>).query === "gnn")
      .at(-1)?.args.request as Required<BrowseRequest>;
    expect(last).toMatchObject({ query: "gnn", status: "to-read", tag: null, offset: 0 });
  });

  it("says when nothing matches, and shows the fuzzy notice", async () => {
    backend({}, (query) =>
      query === "zzz"
        ? results("zzz", [])
        : results(query, [hit({ title: "Graph networks" })], {
            fuzzy: true,
            notices: ["no exact matches; showing words within one edit"],
          }),
    );
    const user = userEvent.setup();
    render(App);
    const input = screen.getByTestId("search-input");
    await user.type(input, "zzz");
    await waitFor(() => expect(screen.getByTestId("empty-state").textContent).toContain("No papers match “zzz”"));
    await user.clear(input);
    await user.type(input, "grpah");
    await waitFor(() => expect(screen.getByTestId("fuzzy-notice").textContent).toContain("“grpah”"));
    expect(titles()).toEqual(["Graph networks"]);
  });

  it("opens a paper, adds and removes tags, and refreshes the counts", async () => {
    let current: Paper = paper({ id: "2310.02579", title: "On the Stability of Expressive Positional Encodings for Graphs" });
    const { calls } = backend({
      get_paper: () => current,
      add_tags: (a) => (current = { ...current, tags: [...current.tags, ...(a.tags as string[])].sort() }),
      remove_tags: (a) => (current = { ...current, tags: current.tags.filter((t) => !(a.tags as string[]).includes(t)) }),
      set_status: (a) => (current = { ...current, status: a.status as Paper["status"] }),
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.click(screen.getAllByTestId("result-row")[1]);
    await waitFor(() => expect(screen.getByTestId("detail-title").textContent).toBe(current.title));
    expect(screen.getByTestId("detail-abstract").textContent).toBe(current.abstract);

    const statsBefore = calls.filter((c) => c.cmd === "stats").length;
    await user.type(screen.getByTestId("tag-input"), "<img/src=x/onerror=alert(1)>{Enter}");
    await waitFor(() => expect(chips()).toEqual(["#<img/src=x/onerror=alert(1)>"]));
    expect(document.querySelector("[data-testid=detail-pane] img")).toBeNull();
    expect((screen.getByTestId("tag-input") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(calls.filter((c) => c.cmd === "stats").length).toBeGreaterThan(statsBefore));
    // The row shows the new tag without re-running the query.
    expect(screen.getAllByTestId("row-tag").map((t) => t.textContent)).toEqual(["#<img/src=x/onerror=alert(1)>"]);

    await user.click(screen.getByTestId("tag-remove"));
    await waitFor(() => expect(screen.queryAllByTestId("detail-tag")).toHaveLength(0));

    await user.selectOptions(screen.getByTestId("status-select"), "reading");
    // The change, then the sidebar's counts (stats, tags, collections) asked for again.
    const last = calls.map((c) => c.cmd).lastIndexOf("set_status");
    expect(calls[last]).toEqual({ cmd: "set_status", args: { id: "2310.02579", status: "reading" } });
    expect(calls.slice(last + 1).map((c) => c.cmd).sort()).toEqual(["list_collections", "list_tags", "stats"]);
  });

  it("autosaves the note as you type and keeps the draft through a failure", async () => {
    let fail = true;
    const current = paper();
    const { calls } = backend({
      get_paper: () => current,
      autosave_note: (a) => {
        if (fail) throw { code: "busy", message: "the library is busy" };
        return { ...current, note: { body: String(a.body), updatedAt: "2025-11-23T12:05:00Z" } };
      },
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.click(screen.getAllByTestId("result-row")[0]);
    const note = await screen.findByTestId("note-input");
    await user.type(note, "Read section 3");
    await waitFor(() => expect(screen.getByTestId("note-state").textContent).toContain("Not saved"), { timeout: 2000 });
    expect(screen.getByTestId("detail-error").textContent).toContain("busy");
    expect((note as HTMLTextAreaElement).value).toBe("Read section 3");
    fail = false;
    await user.type(note, "!");
    await waitFor(() => expect(screen.getByTestId("note-state").textContent).toContain("Saved"), { timeout: 2000 });
    const saved = calls.filter((c) => c.cmd === "autosave_note").map((c) => c.args.body);
    expect(saved.at(-1)).toBe("Read section 3!");
    // Debounced: far fewer saves than keystrokes.
    expect(saved.length).toBeLessThan(6);
  });

  it("previews the note as sanitised Markdown and restores an earlier version", async () => {
    const current = paper({ note: { body: "# Plan\n\n<img src=x onerror=alert(1)> **bold**", updatedAt: "2025-11-23T12:05:00Z" } });
    const { calls } = backend({
      get_paper: () => current,
      note_history: () => [{ body: "older text", updatedAt: "2025-11-20T09:00:00Z" }],
      set_note: (a) => ({ ...current, note: { body: String(a.body), updatedAt: "2025-11-23T12:06:00Z" } }),
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.click(screen.getAllByTestId("result-row")[0]);
    await user.click(await screen.findByTestId("note-tab-preview"));
    const preview = screen.getByTestId("note-preview");
    expect(preview.querySelector("h1")?.textContent).toBe("Plan");
    expect(preview.querySelector("strong")?.textContent).toBe("bold");
    expect(preview.querySelector("img")).toBeNull();
    await user.click(screen.getByTestId("note-tab-history"));
    await user.click(await screen.findByTestId("note-restore"));
    expect(calls.find((c) => c.cmd === "set_note")?.args.body).toBe("older text");
    expect(((await screen.findByTestId("note-input")) as HTMLTextAreaElement).value).toBe("older text");
  });

  it("triages with keys, applies to a multi-selection, and undoes the last action", async () => {
    const statuses = new Map<string, string>();
    const { calls } = backend({
      get_paper: (a) => paper({ id: String(a.id) }),
      set_status_many: (a) => {
        const ids = a.ids as string[];
        for (const id of ids) statuses.set(id, String(a.status));
        return ids.map((id) => paper({ id, status: a.status as Paper["status"] }));
      },
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.keyboard("{Escape}j");
    await user.keyboard("r");
    await waitFor(() => expect(statuses.get("1706.03762")).toBe("read"));
    expect(screen.getByTestId("triage-notice").textContent).toContain("u to undo");
    await user.keyboard("u");
    await waitFor(() => expect(statuses.get("1706.03762")).toBe("inbox"));
    // x marks the focused paper, J extends down; `a` archives both in one call.
    await user.keyboard("xJ");
    expect(screen.getByTestId("marked-count").textContent).toContain("2 selected");
    await user.keyboard("a");
    await waitFor(() => expect(statuses.get("2310.02579")).toBe("archived"));
    const last = calls.filter((c) => c.cmd === "set_status_many").at(-1)!;
    expect(last.args.ids).toEqual(["1706.03762", "2310.02579"]);
  });

  it("puts papers in a collection with c, scopes the list to it, and undoes into nothing", async () => {
    // A small stand-in for the core's collections: path -> member ids (all at the top level).
    const groups = new Map<string, Set<string>>();
    const listed = () =>
      [...groups].map(([name, ids], i) =>
        collection({ id: i + 1, name, path: name, count: ids.size }),
      );
    const change = (name: string, changedIds: string[], created: boolean) => ({
      collection: listed().find((c) => c.path === name)!,
      changed: changedIds.length,
      changedIds,
      created,
    });
    const { calls } = backend({
      get_paper: (a) => paper({ id: String(a.id), collections: [...groups].filter(([, ids]) => ids.has(String(a.id))).map(([n]) => n) }),
      list_collections: listed,
      add_to_collection: (a) => {
        const name = String(a.path);
        const created = !groups.has(name);
        const members = groups.get(name) ?? new Set<string>();
        groups.set(name, members);
        const fresh = (a.ids as string[]).filter((id) => !members.has(id));
        fresh.forEach((id) => members.add(id));
        return change(name, fresh, created);
      },
      remove_from_collection: (a) => {
        const members = groups.get(String(a.path))!;
        const gone = (a.ids as string[]).filter((id) => members.delete(id));
        return change(String(a.path), gone, false);
      },
      delete_collection: (a) => {
        const papers = groups.get(String(a.path))!.size;
        groups.delete(String(a.path));
        return { collections: 1, papers };
      },
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    expect(screen.getByText(/No collections yet/)).toBeTruthy();

    // Both papers marked, `c`, a new name: one call for both, and the sidebar lists it.
    await user.keyboard("{Escape}jxJ");
    await user.keyboard("c");
    await user.type(await screen.findByTestId("name-prompt-input"), "Reading group{Enter}");
    await waitFor(() => expect(screen.getAllByTestId("collection-count").map((b) => b.textContent)).toEqual(["Reading group2"]));
    const add = calls.find((c) => c.cmd === "add_to_collection")!;
    expect(add.args).toEqual({ path: "Reading group", ids: ["1706.03762", "2310.02579"] });
    expect(screen.getByTestId("triage-notice").textContent).toContain("2 papers added to “Reading group”");
    await waitFor(() => expect(screen.getAllByTestId("detail-collection").map((c) => c.querySelector("button")?.textContent)).toEqual(["Reading group"]));

    // The sidebar entry scopes the list; the scope goes with every page asked for.
    await user.click(screen.getByTestId("collection-count"));
    await waitFor(() => {
      const last = calls.filter((c) => c.cmd === "browse").at(-1)!;
      expect((last.args.request as Required<BrowseRequest>).collection).toBe("Reading group");
    });
    expect(screen.getByTestId("result-summary").textContent).toContain("in “Reading group”");

    // Undo takes both out and deletes the collection it had made.
    await user.keyboard("{Escape}u");
    await waitFor(() => expect(groups.size).toBe(0));
    expect(calls.find((c) => c.cmd === "remove_from_collection")?.args).toEqual({
      path: "Reading group",
      ids: ["1706.03762", "2310.02579"],
    });
    await waitFor(() => expect(screen.getByText(/No collections yet/)).toBeTruthy());
    // The list scoped to the collection that is gone shows the whole library again.
    await waitFor(() => {
      const last = calls.filter((c) => c.cmd === "browse").at(-1)!;
      expect((last.args.request as Required<BrowseRequest>).collection).toBeNull();
    });
  });

  it("runs any action from the Ctrl-K palette and lists shortcuts on ?", async () => {
    const statuses = new Map<string, string>();
    backend({
      get_paper: (a) => paper({ id: String(a.id) }),
      set_status_many: (a) => {
        const ids = a.ids as string[];
        for (const id of ids) statuses.set(id, String(a.status));
        return ids.map((id) => paper({ id, status: a.status as Paper["status"] }));
      },
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    await user.keyboard("{Escape}j");
    await user.keyboard("{Control>}k{/Control}");
    await user.type(screen.getByTestId("palette-input"), "move to read{Enter}");
    await waitFor(() => expect(statuses.get("1706.03762")).toBe("to-read"));
    expect(screen.queryByTestId("palette")).toBeNull();
    await user.keyboard("?");
    expect(screen.getByTestId("shortcut-sheet").textContent).toContain("Mark as read");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("shortcut-sheet")).toBeNull();
  });

  it("follows a feed, syncs, and names the source that failed with a Retry", async () => {
    const subs: Subscription[] = [];
    let failing = true;
    const { calls } = backend({
      list_subscriptions: () => subs,
      subscribe: (a) => {
        const s: Subscription = { id: 1, kind: a.kind, query: a.query, createdAt: "2025-11-23T12:00:00Z", lastSyncedAt: null, cursor: null };
        subs.push(s);
        return s;
      },
      sync_now: () => ({
        subscriptions: [
          { id: 1, label: "arxiv-category cs.LG", pages: 1, notModified: 0, added: failing ? 0 : 3, updated: 0, unchanged: 0, skipped: [], error: failing ? { code: "network", message: "arxiv: gave up after 4 attempts: HTTP 503" } : null },
        ],
        enrichment: null,
        graph: null,
        dryRun: false,
        cancelled: false,
        traffic: {},
      }),
    });
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByRole("button", { name: "Follow a feed" }));
    await user.selectOptions(screen.getByTestId("feed-kind"), "arxiv-category");
    await user.type(screen.getByTestId("feed-query"), "cs.LG");
    await user.click(screen.getByTestId("feed-add"));
    await waitFor(() => expect(screen.getAllByTestId("feed")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "subscribe")?.args).toEqual({ kind: "arxiv-category", query: "cs.LG" });
    await user.click(screen.getByTestId("sync-now"));
    const error = await screen.findByTestId("sync-error");
    expect(error.textContent).toContain("HTTP 503");
    failing = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getByTestId("sync-outcome").textContent).toContain("3 new"));
    expect(screen.queryByTestId("sync-error")).toBeNull();
  });

  it("focuses the search box on / and moves through rows with j and k", async () => {
    const { calls } = backend({ get_paper: (a) => paper({ id: String(a.id) }) });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    const input = screen.getByTestId("search-input");
    await user.keyboard("{Escape}");
    expect(document.activeElement).not.toBe(input);
    await user.keyboard("j");
    await user.keyboard("j");
    expect(calls.filter((c) => c.cmd === "get_paper").map((c) => c.args.id)).toEqual(["1706.03762", "2310.02579"]);
    expect(document.activeElement?.getAttribute("data-paper-id")).toBe("2310.02579");
    await user.keyboard("k");
    expect(document.activeElement?.getAttribute("data-paper-id")).toBe("1706.03762");
    await user.keyboard("/");
    expect(document.activeElement).toBe(input);
    expect((input as HTMLInputElement).value).toBe("");
  });
  it("adds a paper by arXiv id, selects it and refreshes the list and counts", async () => {
    const added = paper({ id: "2310.02579", arxivId: "2310.02579", title: "On the Stability of Expressive Positional Encodings" });
    const { calls } = backend({ add_paper: () => ({ paper: added, added: true }) });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(titles()).toHaveLength(2));
    const before = calls.filter((c) => c.cmd === "stats").length;

    await user.click(screen.getByTestId("add-toggle"));
    expect(document.activeElement).toBe(screen.getByTestId("add-input"));
    await user.type(screen.getByTestId("add-input"), "https://arxiv.org/abs/2310.02579{Enter}");

    expect(calls.find((c) => c.cmd === "add_paper")?.args).toEqual({ input: "https://arxiv.org/abs/2310.02579" });
    await waitFor(() => expect(screen.getByTestId("detail-title").textContent).toBe(added.title));
    expect(screen.getByTestId("add-status").textContent).toBe("Added to Inbox");
    expect(calls.filter((c) => c.cmd === "stats").length).toBeGreaterThan(before);
    expect(calls.filter((c) => c.cmd === "browse").length).toBeGreaterThan(1);
    expect(calls.some((c) => c.cmd === "get_paper")).toBe(false);

    // Esc closes the form and hands focus back to the button.
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("add-input")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("add-toggle"));
  });

  it("says when the paper was already in the library", async () => {
    backend({ add_paper: () => ({ paper: paper(), added: false }) });
    const user = userEvent.setup();
    render(App);
    await user.click(document.body);
    await user.keyboard("+");
    await user.type(screen.getByTestId("add-input"), "1706.03762");
    await user.click(screen.getByTestId("add-submit"));
    await waitFor(() => expect(screen.getByTestId("add-status").textContent).toBe("Already in your library"));
    expect(screen.getByTestId("detail-title").textContent).toBe("Attention Is All You Need");
  });

  it("shows an invalid-input error as text and keeps the draft", async () => {
    const message = "<b>nope</b> is not an arXiv id; give an arXiv id like 2310.02579";
    backend({
      add_paper: () => {
        throw { code: "invalid-input", message };
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId("add-toggle"));
    await user.type(screen.getByTestId("add-input"), "<b>nope</b>{Enter}");
    const error = await screen.findByTestId("add-error");
    expect(error.textContent).toBe(message);
    expect(error.querySelector("b")).toBeNull();
    expect((screen.getByTestId("add-input") as HTMLInputElement).value).toBe("<b>nope</b>");
    expect(screen.queryByTestId("detail-title")).toBeNull();
  });

  it("narrows by a facet, saves the search, and runs it from the sidebar", async () => {
    const saved: { id: number; name: string; query: string; sort: null; createdAt: string }[] = [];
    const { calls } = backend({
      browse: (a) => {
        const r = a.request as Required<BrowseRequest>;
        return {
          query: r.query,
          total: library.length,
          totalExact: true,
          offset: 0,
          sort: "added",
          hits: library,
          facets: { status: [{ value: "inbox", count: 2 }], tags: [{ value: "gnn", count: 1 }], years: [{ value: "2023", count: 2 }], sources: [{ value: "hf", count: 2 }] },
          fuzzy: false,
          notices: [],
        };
      },
      saved_searches: () => saved,
      save_search: (a) => {
        const s = { id: saved.length + 1, name: String(a.name), query: String(a.query), sort: null, createdAt: "" };
        saved.push(s);
        return s;
      },
    });
    const user = userEvent.setup();
    render(App);
    await waitFor(() => expect(screen.getByTestId("facets")).toBeTruthy());
    await user.type(screen.getByTestId("search-input"), "graph");
    const yearChip = screen.getAllByTestId("facet-value").find((b) => b.dataset.clause === "year:2023")!;
    await user.click(yearChip);
    expect(screen.getByTestId<HTMLInputElement>("search-input").value).toBe("year:2023 graph");
    expect((calls.filter((c) => c.cmd === "browse").at(-1)?.args.request as Required<BrowseRequest>).query).toBe("year:2023 graph");

    await user.click(screen.getByTestId("save-search"));
    await user.clear(screen.getByTestId("name-prompt-input"));
    await user.type(screen.getByTestId("name-prompt-input"), "Recent graphs{Enter}");
    expect(calls.find((c) => c.cmd === "save_search")?.args).toEqual({ name: "Recent graphs", query: "year:2023 graph", sort: null });
    await waitFor(() => expect(screen.getByTestId("saved-search").textContent).toBe("Recent graphs"));

    await user.clear(screen.getByTestId("search-input"));
    await user.click(screen.getByTestId("saved-search"));
    expect(screen.getByTestId<HTMLInputElement>("search-input").value).toBe("year:2023 graph");
  });

  it("imports a file through the dialog and shows what happened to each entry", async () => {
    backend({
      import_file: () => ({
        origin: "zotero.bib",
        kind: "bibtex",
        added: 1,
        merged: 0,
        unchanged: 0,
        skipped: 1,
        entries: [
          { line: 12, key: "broken", outcome: "skipped", id: null, title: null, reason: "unbalanced braces" },
          {
            line: 1,
            key: "vaswani2017",
            outcome: "added",
            id: "1706.03762",
            title: "Attention Is All You Need",
            notices: ["abstract cut to 1 MiB (it was 65.0 MiB)"],
          },
        ],
        entriesTruncated: false,
        notices: ["line 7: title cut to 4 KiB (it was 9000 bytes)"],
        resumedAfterLine: null,
        seconds: 0.01,
      }),
    });
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByTestId("import-file"));
    const report = await screen.findByTestId("import-report");
    expect(report.textContent).toContain("Imported zotero.bib");
    const entries = screen.getAllByTestId("import-entry");
    expect(entries[0].dataset.outcome).toBe("skipped");
    expect(entries[0].textContent).toContain("unbalanced braces");
    expect(entries[1].textContent).toContain("Attention Is All You Need");
    // Fields cut to their caps are said, on the entry and for the file.
    expect(entries[1].textContent).toContain("abstract cut to 1 MiB (it was 65.0 MiB)");
    const notices = screen.getAllByTestId("import-notice").map((n) => n.textContent);
    expect(notices).toContain("line 7: title cut to 4 KiB (it was 9000 bytes)");
    await user.click(screen.getByTestId("import-report-close"));
    expect(screen.queryByTestId("import-report")).toBeNull();
  });
});
