// A Worker entry that only serves the store, for callers whose main module is not main.ts (tests).
import { serveStoreWorker } from "./serve.ts";

serveStoreWorker();
