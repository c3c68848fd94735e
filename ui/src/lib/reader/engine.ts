// The one door to pdf.js: loaded on first use (the list never pays for it), configured for
// the app's strict CSP, with everything it needs served by the app itself.
import type { PDFDocumentProxy } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

export type PdfLib = typeof import("pdfjs-dist");
export type PdfViewerLib = typeof import("pdfjs-dist/web/pdf_viewer.mjs");

let loaded: Promise<{ lib: PdfLib; viewer: PdfViewerLib }> | null = null;
let worker: InstanceType<PdfLib["PDFWorker"]> | null = null;

/** pdf.js and its viewer components, loaded once. */
export function loadEngine(): Promise<{ lib: PdfLib; viewer: PdfViewerLib }> {
  loaded ??= (async () => {
    // The viewer reads the library from `globalThis.pdfjsLib`, which this import sets.
    const lib = await import("pdfjs-dist");
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    const [viewer] = await Promise.all([
      import("pdfjs-dist/web/pdf_viewer.mjs"),
      // The viewer's stylesheet, as a file of the app's own (the CSP allows no inline style).
      import("pdfjs-dist/web/pdf_viewer.css"),
    ]);
    return { lib, viewer };
  })();
  return loaded;
}

/**
 * Loads pdf.js and starts its worker ahead of time (when a paper with a PDF is selected), so
 * opening the reader does not wait for a megabyte of script to be parsed twice.
 */
export function warmEngine(): void {
  void loadEngine().then(({ lib }) => {
    worker ??= new lib.PDFWorker();
  });
}

/** Why a document could not be opened, for the reader's message. */
export type OpenFailure = { kind: "password-cancelled" } | { kind: "unreadable"; message: string };

/**
 * Opens a PDF from its bytes. `askPassword` is called when the file is encrypted (again, with
 * `retry` true, after a wrong one) and resolves to the password or `null` to give up; the
 * password goes to pdf.js only, never stored or logged.
 */
export async function openDocument(
  bytes: ArrayBuffer,
  askPassword: (retry: boolean) => Promise<string | null>,
): Promise<PDFDocumentProxy> {
  const { lib } = await loadEngine();
  // One worker for every document: starting one costs more than parsing a typical paper.
  worker ??= new lib.PDFWorker();
  const base = new URL("pdfjs/", document.baseURI).href;
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    worker,
    cMapUrl: `${base}cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${base}standard_fonts/`,
    wasmUrl: `${base}wasm/`,
    iccUrl: `${base}iccs/`,
    // No scripting: pdf.js 6 has no eval path, and the viewer gets no scripting manager.
    enableXfa: false,
    stopAtErrors: false,
  });
  let gaveUp = false;
  task.onPassword = (answer: (password: string) => void, reason: number) => {
    const retry = reason === lib.PasswordResponses.INCORRECT_PASSWORD;
    void askPassword(retry).then((password) => {
      if (password === null) {
        gaveUp = true;
        void task.destroy();
      } else {
        answer(password);
      }
    });
  };
  try {
    return await task.promise;
  } catch (err) {
    if (gaveUp) throw { kind: "password-cancelled" } satisfies OpenFailure;
    const message = err instanceof Error ? err.message : String(err);
    throw { kind: "unreadable", message } satisfies OpenFailure;
  }
}
