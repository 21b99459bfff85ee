/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Transpile only: each worker type-checking on its own held a TypeScript language service of
  // ~270 MB and took ~3 s to start. `npm test` type-checks src, workers and test once, first
  // (`npm run typecheck`), so a type error still fails it.
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  // Generous: the suite runs real PostgreSQL, Redis, worker processes and Chromium on two cores
  // that the hypervisor sometimes takes half of. Tests wait on events, so this only bounds a hang.
  testTimeout: 60000,
  // Integration files each make their own database and Redis prefix, so two workers are safe.
  maxWorkers: 2,
  // A worker that has run many files holds every service they started (prom-client's event-loop
  // monitor is never stopped, and it keeps the file's modules alive) plus PGlite's memory: past
  // this it is replaced by a fresh one after its current file. A worker of a gigabyte or more took
  // longer than Jest's half second to exit at the end ("failed to exit gracefully").
  workerIdleMemoryLimit: '400MB',
};
