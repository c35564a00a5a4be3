#!/usr/bin/env node
// The CLI runs from the build in dist/ (made by `npm ci` through the prepare script, or `npm run build`).
require('../dist/cli/main.js');
