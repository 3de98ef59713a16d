// Shared Jest settings for every project in the workspace.
// NestJS 12 ships ESM-only packages; Jest on Node 20 loads CommonJS, so swc transforms them too.
const path = require('node:path');

const esmOnly = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  '@borewit',
  'uint8array-extras',
  'load-esm',
  'content-disposition',
  'jose',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Tests run against library sources, so a change in a lib needs no rebuild to be tested.
  moduleNameMapper: {
    '^@hybrid-auth/([a-z-]+)/testing$': path.join(__dirname, 'libs/$1/src/testing/index.ts'),
    '^@hybrid-auth/(auth-guard|platform|database|stack)$': path.join(
      __dirname,
      'libs/$1/src/index.ts',
    ),
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
