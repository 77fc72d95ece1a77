// The `veeam-contract` executable (bin/veeam-contract.js imports this file from dist/).
import { printable } from "./reporting.js";
import { run } from "./run.js";

try {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  });
} catch (e) {
  // A bug, not a usage error: still one line, no stack trace unless asked for.
  process.stderr.write(
    `${printable(`veeam-contract: internal error: ${e instanceof Error ? e.message : String(e)}`)}\n`,
  );
  if (process.env.VEEAM_CONTRACT_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : ""}\n`);
  process.exitCode = 2;
}
