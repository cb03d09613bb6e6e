#!/usr/bin/env node
// The `omgw` command. It is checked in, not built, so that npm links the command even in a checkout that has never
// been built: npm skips a bin whose file is missing, and npx then keeps that bin-less install in its cache, failing
// with "omgw: not found" long after the build exists. It compiles when the sources are newer, as `npm start` does.
'use strict';
// A cluster worker runs this file again (server.workers): its primary has already built, and two workers must not
// compile at once.
if (require('node:cluster').isPrimary) require('../scripts/build-if-stale.js').buildIfStale();
require('../dist/cli.js');
