// The store's Worker entry when the program runs from its modules (storeWorkerEntry in start.ts;
// tests start it directly): it serves the store, and its module graph holds the store's modules
// and what they import, nothing of api/ or alerts/.
import { serveStoreWorker } from "./serve.ts";

serveStoreWorker();
