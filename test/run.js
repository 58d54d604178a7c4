#!/usr/bin/env node
// Runs the compiled mocha suites and ends with the plain line "N passed, N failed".
// Usage: node test/run.js [unit|integration|e2e ...]  (default: all layers)
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { Mocha } = require('mocha');

const layers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'e2e'];
const root = path.join(__dirname, '..', 'dist', 'test');
const mocha = new Mocha({ timeout: 60000, reporter: 'spec' });

function collect(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? collect(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}
for (const layer of layers) for (const f of collect(path.join(root, layer)).sort()) mocha.addFile(f);

const runner = mocha.run(() => {
  const { passes, failures } = runner.stats;
  process.stdout.write(`${passes} passed, ${failures} failed\n`);
  process.exitCode = failures > 0 || passes === 0 ? 1 : 0;
});
