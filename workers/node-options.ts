/**
 * Node.js options of every worker process. The V8 heap cap makes the garbage collector run
 * before the heap grows, which keeps a worker streaming a file of any size well under 300 MB
 * of resident memory. NOTE: one GeoJSON feature larger than the cap would still fail.
 * `scripts/start.mjs` and the worker service in docker-compose.yml pass the same flag.
 */
export const WORKER_NODE_OPTIONS = '--max-old-space-size=192';
