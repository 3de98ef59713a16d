// One Jest run for the whole workspace: every app and lib is a project.
const fs = require('node:fs');
const path = require('node:path');

const roots = ['apps', 'libs'].flatMap((dir) =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .map((name) => path.join(__dirname, dir, name))
    .filter((p) => fs.existsSync(path.join(p, 'jest.config.js'))),
);

module.exports = { projects: roots };
