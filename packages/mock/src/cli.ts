// The veeam-mock command (bin/veeam-mock.js imports the built file): run() with this process's arguments.
import { run } from "./command.js";

process.exitCode = await run(process.argv.slice(2));
