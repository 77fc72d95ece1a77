// Types for serve.mjs (plain JavaScript so Node runs it without a build step).

/** The folder `node scripts/build.mjs` writes (packages/docs/dist). */
export declare const DIST: string;

export interface ServeDocsOptions {
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Address to bind; default `127.0.0.1`. */
  host?: string;
  /** Folder to serve; default {@link DIST}. */
  dir?: string;
}

export interface ServedDocs {
  /** `http://host:port/`, with the port actually bound. */
  url: string;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Serve the static docs site until `close()` is called. Rejects if the site is not built. */
export declare function serveDocs(options?: ServeDocsOptions): Promise<ServedDocs>;
