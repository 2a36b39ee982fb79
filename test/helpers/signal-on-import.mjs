/**
 * `node --import` this: the process is sent SIGTERM as the module whose URL ends with
 * IOT_AUDIT_TEST_SIGNAL_AT is first resolved, a fixed point of its start-up (a timer is not).
 */
import { register } from 'node:module';

register('./signal-on-import-hooks.mjs', import.meta.url, { data: { at: process.env.IOT_AUDIT_TEST_SIGNAL_AT, pid: process.pid } });
