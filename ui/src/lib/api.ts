// The typed IPC layer: the ONLY door from components to Rust. One function per Rust command,
// each wrapping the generated one in ./bindings.ts (src-tauri/src/command_list.rs lists them);
// every failure becomes an `ApiError` with a typed code.
import { Channel } from "@tauri-apps/api/core";
import { openUrl } from "@tauri-apps/plugin-opener";

import { commands } from "./bindings";
import { ERROR_CODES } from "./labels";
import { isExternalUrl } from "./markdown";
import type {
  AnnotationChange,
  BrowseRequest,
  BrowseSort,
  ErrorCode,
  ExportFormat,
  FileDrop,
  FileKind,
  ImportProgress,
  IpcError,
  NewAnnotation,
  PaperId,
  PdfProgress,
  ReadingPosition,
  Status,
  SubscriptionKind,
  SyncEvent,
  ZoteroProgress,
} from "./types";

/** The generated commands, by their TypeScript names. */
export type Commands = typeof commands;

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
    // An `IpcError` from the shell, or an object of unknown shape from elsewhere.
    const { code, message } = err as { [K in keyof IpcError]?: unknown };
    const known = ERROR_CODES.includes(code as ErrorCode) ? (code as ErrorCode) : "internal";
    return new ApiError(known, typeof message === "string" ? message : JSON.stringify(err));
  }
  return new ApiError("internal", String(err));
}

/** Runs a generated command; a failure (an `IpcError`, a Tauri string) becomes an `ApiError`. */
async function call<K extends keyof Commands>(
  name: K,
  ...args: Parameters<Commands[K]>
): Promise<Awaited<ReturnType<Commands[K]>>> {
  const command = commands[name] as (...a: Parameters<Commands[K]>) => ReturnType<Commands[K]>;
  try {
    return await command(...args);
  } catch (err) {
    const error = toApiError(err);
    console.warn(`ipc->${name} failed: [${error.code}] ${error.message}`);
    throw error;
  }
}

/** The list: a page of the papers a query and the sidebar scope select, in order, with facets. */
export const browse = (request: BrowseRequest) => call("browse", request);

export const savedSearches = () => call("savedSearches");

/** Keeps a query under a name; the same name replaces it. */
export const saveSearch = (name: string, query: string, sort: BrowseSort | null) =>
  call("saveSearch", name, query, sort);

export const deleteSavedSearch = (id: number) => call("deleteSavedSearch", id);

export const getPaper = (id: PaperId) => call("getPaper", id);

export const addTags = (id: PaperId, tags: string[]) => call("addTags", id, tags);

export const removeTags = (id: PaperId, tags: string[]) => call("removeTags", id, tags);

export const setStatus = (id: PaperId, status: Status) => call("setStatus", id, status);

export const setNote = (id: PaperId, body: string) => call("setNote", id, body);

export const listTags = () => call("listTags");

export const stats = () => call("stats");

export const listCollections = () => call("listCollections");

/** Creates the collection at a path (`Thesis/Chapter 2`), and its missing parents. */
export const createCollection = (path: string) => call("createCollection", path);

/** Puts papers in the collection at a path, creating it (and its parents) when there is none. */
export const addToCollection = (path: string, ids: PaperId[]) => call("addToCollection", path, ids);

/** Takes papers out of a collection; they stay in the library. */
export const removeFromCollection = (path: string, ids: PaperId[]) =>
  call("removeFromCollection", path, ids);

/** Gives a collection a new path: under the same parent a rename, under another a move. */
export const renameCollection = (path: string, newPath: string) => call("renameCollection", path, newPath);

/**
 * Deletes a collection and the collections under it (the papers stay); resolves to how many
 * collections went and how many papers they held.
 */
export const deleteCollection = (path: string) => call("deleteCollection", path);

/** Looks a paper up by arXiv id or URL (arXiv, then Hugging Face) and adds it to the inbox. */
export const addPaper = (input: string) => call("addPaper", input);

/** Sets the status of several papers in one transaction (all or nothing). */
export const setStatusMany = (ids: PaperId[], status: Status) => call("setStatusMany", ids, status);

/** Saves a note as it is typed; history keeps one version per few minutes of editing. */
export const autosaveNote = (id: PaperId, body: string) => call("autosaveNote", id, body);

/** Earlier versions of a note, newest first. */
export const noteHistory = (id: PaperId) => call("noteHistory", id);

/** The paper's PDFs in the library, newest first. */
export const paperPdfs = (id: PaperId) => call("paperPdfs", id);

/** The text of the paper's newest PDF: one page (1-based), or every page. */
export const pdfText = (id: PaperId, page: number | null = null) => call("pdfText", id, page);

/** The paper's highlights and pinned notes, in page order. */
export const listAnnotations = (id: PaperId) => call("listAnnotations", id);

/** Stores a highlight or pinned note the moment it is made. */
export const addAnnotation = (id: PaperId, annotation: NewAnnotation) =>
  call("addAnnotation", id, annotation);

/** Changes an annotation's colour, comment or rectangles. */
export const updateAnnotation = (annotationId: string, change: AnnotationChange) =>
  call("updateAnnotation", annotationId, change);

/** Deletes an annotation; `restoreAnnotation` undoes it. */
export const deleteAnnotation = (annotationId: string) => call("deleteAnnotation", annotationId);

/** Brings back a deleted annotation. */
export const restoreAnnotation = (annotationId: string) => call("restoreAnnotation", annotationId);

/** "Add to note": quotes the paper's highlights (all, or those named) into its note. */
export const addAnnotationsToNote = (id: PaperId, only: string[] = []) =>
  call("addAnnotationsToNote", id, only);

/** The bytes of one of the paper's PDFs (`sha256`, else its newest), for the reader. */
export const pdfBytes = (id: PaperId, sha256: string | null = null) => call("pdfBytes", id, sha256);

/** Where the reader last was in the paper's PDF; `null` when it was never read. */
export const readingPosition = (id: PaperId) => call("readingPosition", id);

/** Remembers where the reader is in the paper's PDF. */
export const setReadingPosition = (id: PaperId, position: ReadingPosition) =>
  call("setReadingPosition", id, position);

/** Fetches the paper's PDF unless it is held; `onProgress` hears the bytes as they come. */
export function fetchPdf(id: PaperId, onProgress: (p: PdfProgress) => void = () => {}) {
  const channel = new Channel<PdfProgress>();
  channel.onmessage = onProgress;
  return call("fetchPdf", id, channel);
}

/** Stops the running PDF download (nothing is stored). */
export const cancelPdfFetch = () => call("cancelPdfFetch");

/** Asks for a PDF in the system's file dialog and attaches it; `null` when cancelled. */
export const attachPdf = (id: PaperId) => call("attachPdf", id);

/** Hears about files dragged over the window and dropped on it. */
export function watchFileDrops(onDrop: (d: FileDrop) => void) {
  const channel = new Channel<FileDrop>();
  channel.onmessage = onDrop;
  return call("watchFileDrops", channel);
}

/** Attaches the PDF just dropped on the window to the paper; `null` when none is held. */
export const attachDroppedPdf = (id: PaperId) => call("attachDroppedPdf", id);

/** Opens the paper's PDF in the system's own viewer. */
export const openPdfExternally = (id: PaperId, sha256: string | null = null) =>
  call("openPdfExternally", id, sha256);

/** Moves the paper's annotations from one of its PDFs to another, found again by their quotes. */
export const carryAnnotations = (id: PaperId, from: string, to: string) => call("carryAnnotations", id, from, to);

/** The library's backups, listed without opening it (offered when its database is damaged). */
export const libraryBackups = () => call("libraryBackups");

/** Puts backup `name` in place of a damaged library and opens it; the damaged file is kept. */
export const restoreBackup = (name: string) => call("restoreBackup", name);

/** Opens an http(s) link in the system browser; anything else is refused before it leaves the UI. */
export async function openExternal(url: string): Promise<void> {
  if (!isExternalUrl(url)) throw new ApiError("invalid-input", `not a web link: ${url}`);
  try {
    await openUrl(url);
  } catch (err) {
    throw toApiError(err);
  }
}

export const listSubscriptions = () => call("listSubscriptions");

export const subscribe = (kind: SubscriptionKind, query: string) => call("subscribe", kind, query);

export const unsubscribe = (id: number) => call("unsubscribe", id);

/** Runs a sync; `onEvent` sees its progress as it happens. One sync at a time. */
export function syncNow(onEvent: (event: SyncEvent) => void) {
  const channel = new Channel<SyncEvent>();
  channel.onmessage = onEvent;
  return call("syncNow", channel);
}

/** Asks the running sync to stop after its current page. */
export const cancelSync = () => call("cancelSync");

/**
 * Asks for a file in the system's file dialog and imports it (`kind`, or recognised from the
 * file). `null` when the user cancelled. Long imports report progress to `onProgress`.
 */
export function importFile(kind: FileKind | null, onProgress: (p: ImportProgress) => void = () => {}) {
  const channel = new Channel<ImportProgress>();
  channel.onmessage = onProgress;
  return call("importFile", kind, channel);
}

/** Zotero's data directory on this machine, to show before importing; `null` when none. */
export const zoteroDataDir = () => call("zoteroDataDir");

/**
 * Imports the user's Zotero library: from Zotero's own data directory when `fromDefault`, else
 * from a folder picked in the system's dialog (`null` when cancelled). `dryRun` changes nothing.
 */
export function importZotero(fromDefault: boolean, dryRun: boolean, onProgress: (p: ZoteroProgress) => void = () => {}) {
  const channel = new Channel<ZoteroProgress>();
  channel.onmessage = onProgress;
  return call("importZotero", fromDefault, dryRun, channel);
}

/** Stops the running Zotero import before it writes anything. */
export const cancelZoteroImport = () => call("cancelZoteroImport");

/** Asks where to write and exports what the query and scope select; `null` when cancelled. */
export const exportPapers = (
  format: ExportFormat,
  query: string,
  status: Status | null,
  tag: string | null,
  collection: string | null,
) => call("exportPapers", format, query, status, tag, collection);

export const mirrorStatus = () => call("mirrorStatus");

/** Asks for a folder and mirrors the library into it from now on; `null` when cancelled. */
export const mirrorEnable = () => call("mirrorEnable");

export const mirrorDisable = () => call("mirrorDisable");

export const mirrorRebuild = () => call("mirrorRebuild");
