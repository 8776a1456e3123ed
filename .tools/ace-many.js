#!/usr/bin/env node
// DAISY Ace on several EPUBs with one browser: `ace` starts (and stops) a
// browser for every EPUB, which is most of what a check costs.
//   node ace-many.js OUTDIR EPUB...   writes OUTDIR/<n>/report.json for the n-th EPUB
// Exit 0 when every EPUB was checked (whatever the reports say), 1 otherwise.
'use strict';

const path = require('path');
const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

const [outdir, ...epubs] = process.argv.slice(2);
if (!outdir || epubs.length === 0) {
  console.error('usage: ace-many.js OUTDIR EPUB...');
  process.exit(2);
}

// Ace launches and closes its runner for each EPUB: this one is launched once.
const shared = Object.create(runner);
shared.launch = async () => {};
shared.close = async () => {};

(async () => {
  logger.initLogger({ verbose: false, silent: true, fileName: 'ace-many.log' });
  let failed = false;
  await runner.launch();
  try {
    for (const [index, epub] of epubs.entries()) {
      try {
        await ace(epub, { cwd: process.cwd(), outdir: path.join(outdir, String(index)),
                          silent: true, verbose: false, jobId: '' }, shared);
      } catch (err) {
        console.error(`${epub}: ${(err && err.message) || err || 'Ace failed'}`);
        failed = true;
      }
    }
  } finally {
    await runner.close();
  }
  process.exit(failed ? 1 : 0);
})();
