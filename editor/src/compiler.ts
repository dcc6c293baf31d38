/** The editor's view of the compiler: only its browser-safe surface (compiler/browser.ts). */
export * from "../../compiler/browser";
