// The container stack's tests: deploy/ci-images/compose-test.sh runs them against a running
// `docker compose up`. Not part of `npm test` (the root config only reads jest.config.js files),
// which needs no container engine.
module.exports = {
  ...require('./jest.config.js'),
  displayName: 'compose-e2e',
  testMatch: ['<rootDir>/test/compose/**/*.compose-spec.ts'],
};
