// Imported first by server-caps.test.ts: the server-wide cap is read once, when the first
// sandbox (the fixture's bubblewrap probe, at import) creates the group.
process.env.GENEGYM_SANDBOX_PROCESSES_TOTAL = '60';
process.env.GENEGYM_SANDBOX_MEMORY_TOTAL = String(320 * 1024 * 1024);
