// The store in a Worker: the door into store/worker/ (openStore's `worker` option uses it).
export { openWorkerStore, type WorkerStoreOptions } from "./host.ts";
export { canStartWorker, prestartStoreWorker, STORE_WORKER_NAME } from "./start.ts";
