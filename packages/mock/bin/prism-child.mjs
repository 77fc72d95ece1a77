// Runs Prism's own CLI (`prism mock|proxy …`, arguments as given) in this process for
// @veeam-sessions/mock. Three additions, nothing else: it tells the parent over IPC which port
// Prism's HTTP server listens on (so any log level works and port 0 is fine), and it exits
// when the parent goes away, so no Prism outlives the test run or CLI that started it (it
// then also removes the parent's temporary spec, VEEAM_MOCK_TEMP_DIR); and `prism proxy`
// passes an upstream redirect back instead of following it (below).
import { existsSync, rmSync } from "node:fs";
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

// The document Prism would serve (`prism mock|proxy <document> …`) must be there: a restart after
// the parent's temporary spec was removed fails here at once, not after loading all of Prism.
const document = process.argv[3];
if (document && !/^https?:/.test(document) && !existsSync(document)) {
  console.error(`prism-child: ${document} does not exist`);
  process.exit(1);
}

const cli = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");

// `prism proxy` forwards with node-fetch, which follows redirects, to any origin, with the
// caller's Authorization, session header and cookies. Make it pass a 3xx back instead
// (node-fetch's manual mode; it resolves a relative Location against the upstream URL).
const http_ = createRequire(createRequire(cli).resolve("@stoplight/prism-http"));
const nodeFetch = http_("node-fetch");
const follow = nodeFetch.default;
nodeFetch.default = function manualRedirects(url, init) {
  return follow(url, { ...init, redirect: "manual" });
};
process.argv = [process.argv[0], "prism", ...process.argv.slice(2)];
await import(pathToFileURL(cli).href);
