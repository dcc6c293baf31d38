/**
 * The download of a version: its generated package as a zip (fflate), every file under one
 * folder named after the tool, so it unpacks into `<tool>/package.json`, `<tool>/src/…`.
 * Every entry carries the version's creation time, so the same version always downloads as
 * the same bytes.
 */
import { strToU8, zipSync, type Zippable } from "fflate";

export function zipPackage(folder: string, files: Readonly<Record<string, string>>, mtime: Date): Uint8Array {
  const entries: Zippable = {};
  for (const path of Object.keys(files).sort()) {
    const content = files[path];
    if (content === undefined || path.startsWith("/") || path.split("/").includes("..")) continue;
    entries[`${folder}/${path}`] = [strToU8(content), { mtime }];
  }
  return zipSync(entries, { level: 6 });
}
