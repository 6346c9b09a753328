// The store in a Worker: the door into store/worker/ (openStore's `worker` option uses it).
export {
  canStartWorker,
  openWorkerStore,
  prestartStoreWorker,
  type WorkerStoreOptions,
} from "./host.ts";
export { STORE_WORKER_NAME } from "./protocol.ts";
export { serveStoreWorker } from "./serve.ts";
