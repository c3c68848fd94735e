// The JSON shapes of the Rust commands, generated into ./bindings.ts from the Rust types
// (src-tauri/tests/bindings.rs keeps it current). Labels and orders for them are in ./labels.ts.
export type * from "./bindings";
export type { ExportFormat } from "./labels";
