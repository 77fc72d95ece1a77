// Runs Prism's own CLI (`prism mock|proxy …`, arguments as given) in this process for
// @veeam-sessions/mock. Two additions, nothing else: it tells the parent over IPC which port
// Prism's HTTP server listens on (so any log level works and port 0 is fine), and it exits
// when the parent goes away, so no Prism outlives the test run or CLI that started it (it
// then also removes the parent's temporary spec, VEEAM_MOCK_TEMP_DIR).
import { rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

if (typeof process.send === "function") {
  process.on("disconnect", () => {
    const temp = process.env.VEEAM_MOCK_TEMP_DIR;
    if (temp && /veeam-mock-[^/\\]+$/.test(temp)) rmSync(temp, { recursive: true, force: true });
    process.exit(0);
  });
  const createServer = http.createServer;
  http.createServer = function patched(...args) {
    const server = createServer.apply(this, args);
    server.once("listening", () => {
      const address = server.address();
      if (address && typeof address === "object")
        process.send?.({ type: "listening", port: address.port, address: address.address });
    });
    return server;
  };
}

const cli = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");
process.argv = [process.argv[0], "prism", ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
