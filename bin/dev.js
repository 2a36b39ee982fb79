#!/usr/bin/env -S node --import tsx
import { execute } from '@oclif/core';

// The AWS SDK warns on every run under Node 20 (its support ends in 2027): keep stderr to our one-line messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await execute({ development: true, dir: import.meta.url });
