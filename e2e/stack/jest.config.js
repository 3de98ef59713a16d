module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'stack-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  // Whole processes start and stop here: generous, but bounded (testTimeout is global-only in Jest).
  setupFilesAfterEnv: ['<rootDir>/test/support/timeout.ts'],
};
