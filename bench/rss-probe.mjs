// Preloaded into a measured process (node --import): on exit, writes the process's peak
// resident set size (all threads) in bytes to $IOT_AUDIT_RSS_OUT.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.IOT_AUDIT_RSS_OUT) writeFileSync(process.env.IOT_AUDIT_RSS_OUT, String(process.resourceUsage().maxRSS * 1024));
});
