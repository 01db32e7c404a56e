#!/usr/bin/env node
// The CLI is TypeScript run without a build step: register tsx, then load the entry.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
