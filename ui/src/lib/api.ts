// The typed IPC layer: the ONLY module that imports `invoke`. One function per Rust command
// (src-tauri/src/commands); every failure becomes an `ApiError` with a typed code.
import { Channel, invoke } from "@tauri-apps/api/core";
import { openUrl } from "@tauri-apps/plugin-opener";

import { isExternalUrl } from "./markdown";

import {
  ERROR_CODES,
  type AddedPaper,
  type Backups,
  type BrowseRequest,
  type BrowseResults,
  type BrowseSort,
  type Collection,
  type CollectionChange,
  type ExportDone,
  type ExportFormat,
  type FileImportReport,
  type FileKind,
  type ImportProgress,
  type MirrorStatus,
  type SavedSearch,
  type ErrorCode,
  type Note,
  type Paper,
  type PaperId,
  type RestoreReport,
  type Stats,
  type Status,
  type Subscription,
  type SubscriptionKind,
  type SyncEvent,
  type SyncReport,
  type TagCount,
} from "./types";

export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** Normalises whatever a rejected `invoke` gives (our `IpcError`, a Tauri string, an Error). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === "string") return new ApiError("internal", err);
  if (err instanceof Error) return new ApiError("internal", err.message);
  if (err && typeof err === "object") {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const known = ERROR_CODES.includes(code as ErrorCode) ? (code as ErrorCode) : "internal";
    return new ApiError(known, typeof message === "string" ? message : JSON.stringify(err));
  }
  return new ApiError("internal", String(err));
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    const error = toApiError(err);
    console.warn(`ipc->${cmd} failed: [${error.code}] ${error.message}`);
    throw error;
  }
}

/** The list: a page of the papers a query and the sidebar scope select, in order, with facets. */
export const browse = (request: BrowseRequest) => call<BrowseResults>("browse", { request });

export const savedSearches = () => call<SavedSearch[]>("saved_searches");

/** Keeps a query under a name; the same name replaces it. */
export const saveSearch = (name: string, query: string, sort: BrowseSort | null) =>
  call<SavedSearch>("save_search", { name, query, sort });

export const deleteSavedSearch = (id: number) => call<void>("delete_saved_search", { id });

export const getPaper = (id: PaperId) => call<Paper>("get_paper", { id });

export const addTags = (id: PaperId, tags: string[]) => call<Paper>("add_tags", { id, tags });

export const removeTags = (id: PaperId, tags: string[]) => call<Paper>("remove_tags", { id, tags });

export const setStatus = (id: PaperId, status: Status) => call<Paper>("set_status", { id, status });

export const setNote = (id: PaperId, body: string) => call<Paper>("set_note", { id, body });

export const listTags = () => call<TagCount[]>("list_tags");

export const stats = () => call<Stats>("stats");

export const listCollections = () => call<Collection[]>("list_collections");

export const createCollection = (name: string) => call<Collection>("create_collection", { name });

/** Puts papers in a collection, creating it when no collection has the name. */
export const addToCollection = (name: string, ids: PaperId[]) =>
  call<CollectionChange>("add_to_collection", { name, ids });

/** Takes papers out of a collection; they stay in the library. */
export const removeFromCollection = (name: string, ids: PaperId[]) =>
  call<CollectionChange>("remove_from_collection", { name, ids });

export const renameCollection = (name: string, newName: string) =>
  call<Collection>("rename_collection", { name, newName });

/** Deletes a collection (its papers stay); resolves to how many papers it held. */
export const deleteCollection = (name: string) => call<number>("delete_collection", { name });

/** Looks a paper up by arXiv id or URL (arXiv, then Hugging Face) and adds it to the inbox. */
export const addPaper = (input: string) => call<AddedPaper>("add_paper", { input });

/** Sets the status of several papers in one transaction (all or nothing). */
export const setStatusMany = (ids: PaperId[], status: Status) => call<Paper[]>("set_status_many", { ids, status });

/** Saves a note as it is typed; history keeps one version per few minutes of editing. */
export const autosaveNote = (id: PaperId, body: string) => call<Paper>("autosave_note", { id, body });

/** Earlier versions of a note, newest first. */
export const noteHistory = (id: PaperId) => call<Note[]>("note_history", { id });

/** The library's backups, listed without opening it (offered when its database is damaged). */
export const libraryBackups = () => call<Backups>("library_backups");

/** Puts backup `name` in place of a damaged library and opens it; the damaged file is kept. */
export const restoreBackup = (name: string) => call<RestoreReport>("restore_backup", { name });

/** Opens an http(s) link in the system browser; anything else is refused before it leaves the UI. */
export async function openExternal(url: string): Promise<void> {
  if (!isExternalUrl(url)) throw new ApiError("invalid-input", `not a web link: ${url}`);
  try {
    await openUrl(url);
  } catch (err) {
    throw toApiError(err);
  }
}

export const listSubscriptions = () => call<Subscription[]>("list_subscriptions");

export const subscribe = (kind: SubscriptionKind, query: string) => call<Subscription>("subscribe", { kind, query });

export const unsubscribe = (id: number) => call<void>("unsubscribe", { id });

/** Runs a sync; `onEvent` sees its progress as it happens. One sync at a time. */
export function syncNow(onEvent: (event: SyncEvent) => void): Promise<SyncReport> {
  const channel = new Channel<SyncEvent>();
  channel.onmessage = onEvent;
  return call<SyncReport>("sync_now", { onEvent: channel });
}

/** Asks the running sync to stop after its current page. */
export const cancelSync = () => call<boolean>("cancel_sync");

/**
 * Asks for a file in the system's file dialog and imports it (`kind`, or recognised from the
 * file). `null` when the user cancelled. Long imports report progress to `onProgress`.
 */
export function importFile(
  kind: FileKind | null,
  onProgress: (p: ImportProgress) => void = () => {},
): Promise<FileImportReport | null> {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return call<FileImportReport | null>("import_file", { kind, onProgress: channel });
}

/** Asks where to write and exports what the query and scope select; `null` when cancelled. */
export const exportPapers = (
  format: ExportFormat,
  query: string,
  status: Status | null,
  tag: string | null,
  collection: string | null,
) => call<ExportDone | null>("export_papers", { format, query, status, tag, collection });

export const mirrorStatus = () => call<MirrorStatus>("mirror_status");

/** Asks for a folder and mirrors the library into it from now on; `null` when cancelled. */
export const mirrorEnable = () => call<MirrorStatus | null>("mirror_enable");

export const mirrorDisable = () => call<MirrorStatus>("mirror_disable");

export const mirrorRebuild = () => call<MirrorStatus>("mirror_rebuild");
