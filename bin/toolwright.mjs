#!/usr/bin/env node
// The `toolwright` command: runs the TypeScript sources through tsx's loader, so a
// checkout works right after `npm install` with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../compiler/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
