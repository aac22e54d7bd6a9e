// A test file's page server and browser: serves dist/ and starts Chromium
// before its tests, closes both after (`const served = pageSession();`).
import fs from 'node:fs';
import { before, after } from 'node:test';
import { serve, launch, shots } from './harness.mjs';

export function pageSession() {
  const s = {};
  before(async () => {
    ({ server: s.server, url: s.url } = await serve());
    s.browser = await launch();
    fs.mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await s.browser?.close();
    s.server?.close();
  });
  return s;
}
