// One Jest run for the whole workspace: every app, lib and e2e suite is a project, and so is bench/.
const fs = require('node:fs');
const path = require('node:path');

const roots = [
  ...['apps', 'libs', 'e2e'].flatMap((dir) =>
    fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(__dirname, dir, name)),
  ),
  path.join(__dirname, 'bench'),
].filter((p) => fs.existsSync(path.join(p, 'jest.config.js')));

module.exports = {
  projects: roots,
  // Most suites wait on PostgreSQL, Redis or child processes rather than on the CPU: three
  // workers on two cores finish sooner without starving anyone.
  maxWorkers: 3,
};
