/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Generous: the suite runs real PostgreSQL, Redis, worker processes and Chromium on two cores
  // that the hypervisor sometimes takes half of. Tests wait on events, so this only bounds a hang.
  testTimeout: 60000,
  // Integration files each make their own database and Redis prefix, so two workers are safe.
  maxWorkers: 2,
};
