#!/usr/bin/env node
// The `veeam-mock` command: the built CLI (`pnpm build` writes dist/).
import "../dist/cli.js";
