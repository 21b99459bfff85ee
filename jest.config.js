/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testTimeout: 30000,
  // Integration files each make their own database and Redis prefix, so two workers are safe.
  maxWorkers: 2,
};
