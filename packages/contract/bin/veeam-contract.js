#!/usr/bin/env node
// Committed shim so the package's `bin` exists before `pnpm build` has written dist/.
import "../dist/cli.js";
