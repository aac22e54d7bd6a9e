// The terminal in the page: seed 004's lab pasted as a learner pastes it,
// against the session the editor and the panels share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shots } from './harness.mjs';
import { pageSession } from './served.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const served = pageSession();

/// The tutorial's commands: `$ ` lines of its code blocks, and the blocks a
/// learner pastes whole (`echo '…' > file`), as tests/lib.rs reads them.
function labCommands(text) {
  const out = [];
  let block = null;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (line.trimStart().startsWith('```')) {
      if (block) {
        const lines = block.lines;
        if (!lines.some((l) => l.startsWith('$ '))) {
          const t = lines.join('\n').trim();
          if (t.startsWith("echo '")) out.push(t);
        } else {
          for (const l of lines) if (l.startsWith('$ ')) out.push(l.slice(2).trim());
        }
        block = null;
      } else {
        block = { indent, lines: [] };
      }
      continue;
    }
    if (block) block.lines.push(line.slice(Math.min(indent, block.indent)));
  }
  return out;
}

const seedDir = path.join(here, '../../../shared/seeds');
const seed = fs.readFileSync(path.join(seedDir, fs.readdirSync(seedDir).find((f) => f.startsWith('004'))), 'utf8');

async function terminalText(page) {
  return page.$eval('#term-lines', (el) => el.innerText);
}

async function paste(page, text) {
  await page.fill('#term-in', text);
  await page.press('#term-in', 'Enter');
}

test('seed 004 pasted into the terminal: build, Using cache, image ls, run, login, tag, push, Layer already exists', async () => {
  const context = await served.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(served.url + '?editor=plain');
  await page.waitForSelector('#steps tbody tr');
  // The lab's era: June 2017, the classic builder.
  await page.fill('#catalog-date', '2017-06');
  await page.dispatchEvent('#catalog-date', 'change');
  await page.selectOption('#builder', 'classic');
  await page.click('#tab-terminal');
  await page.waitForSelector('#term-in');

  const commands = labCommands(seed).map((c) => c.replaceAll('[dockerhub username]', 'jzaccone'));
  const at = (prefix) => commands.findIndex((c) => c.startsWith(prefix));
  // Everything up to `docker run`, pasted at once.
  const run = at('docker run');
  await paste(page, commands.slice(0, run + 1).join('\n'));
  await page.waitForFunction(() => /\n[0-9a-f]{64}\n/.test(document.querySelector('#term-lines').innerText), null, { timeout: 30000 });
  let text = await terminalText(page);
  assert.match(text, /3\.6\.1-alpine: Pulling from library\/python/);
  assert.match(text, /Status: Downloaded newer image for python:3\.6\.1-alpine/);
  assert.match(text, /Step 2\/4 : RUN pip install flask/);
  assert.match(text, /Successfully tagged python-hello-world:latest/);
  assert.match(text, /python-hello-world\s+latest\s+[0-9a-f]{12}\s+.+\s+\d+(\.\d+)?MB/);
  assert.match(text, /python\s+3\.6\.1-alpine\s+c86415c03c37\s+.+\s+88\.7MB/);
  assert.match(text, /command not found/, 'python3 is not on the terminal host');
  const container = text.match(/\n([0-9a-f]{64})\n/)[1];
  // The panels show the image the terminal just built.
  const rows = await page.$$eval('#steps tbody tr td.ins', (tds) => tds.map((t) => t.textContent));
  assert.ok(rows.some((r) => r.includes('RUN pip install flask')), rows.join('|'));

  // The rest: logs and ls with the container's ID, login answered as a learner would.
  const rest = commands.slice(run + 1).map((c) => c.replaceAll('[container id]', container).replace(/^docker container stop 0b2$/, `docker container stop ${container.slice(0, 3)}`));
  const login = rest.findIndex((c) => c === 'docker login');
  rest.splice(login + 1, 0, 'jzaccone', 'a password');
  const prune = rest.findIndex((c) => c === 'docker system prune');
  rest.splice(prune + 1, 0, 'y');
  await paste(page, rest.join('\n'));
  await page.waitForFunction(() => document.querySelector('#term-lines').innerText.includes('Total reclaimed space'), null, { timeout: 30000 });
  text = await terminalText(page);
  assert.match(text, /0\.0\.0\.0:5001->5000\/tcp/);
  assert.match(text, /command: python app\.py/);
  assert.match(text, /Login Succeeded/);
  assert.doesNotMatch(text, /a password/, 'the password is not shown');
  assert.match(text, /The push refers to a repository \[docker\.io\/jzaccone\/python-hello-world\]/);
  const pushes = text.split('The push refers to a repository').slice(1);
  assert.equal(pushes.length, 3);
  assert.deepEqual(pushes[0].match(/: (Pushed|Mounted from library\/python|Layer already exists)/g), [': Pushed', ': Pushed', ': Mounted from library/python']);
  assert.deepEqual(pushes[1].match(/: (Pushed|Mounted from library\/python|Layer already exists)/g), [': Pushed', ': Layer already exists', ': Layer already exists']);
  assert.match(pushes[0], /latest: digest: sha256:[0-9a-f]{64} size: \d+/);
  const second = text.split('docker image build -t jzaccone/python-hello-world .')[1];
  assert.equal(second.split('Successfully tagged')[0].match(/ ---> Using cache/g).length, 2);
  // The images panel draws the layers the images share.
  await page.click('#tab-images');
  const shared = await page.$$eval('.layer-block.shared', (b) => b.length);
  assert.ok(shared >= 2, `shared layer blocks: ${shared}`);
  await page.screenshot({ path: path.join(shots, 'terminal-seed-004.png') });

  // A reload restores the terminal's session: images, tags, pushes.
  await page.reload();
  await page.waitForSelector('#steps tbody tr');
  await page.click('#tab-terminal');
  await paste(page, 'docker images');
  await page.waitForFunction(() => document.querySelector('#term-lines').innerText.includes('jzaccone/python-hello-world'), null, { timeout: 30000 });
  assert.deepEqual(errors, []);
  await context.close();
});
