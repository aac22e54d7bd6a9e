// <layerlab-playground>: a live layerlab playground in a docs page, one
// <script type="module" src=".../embed.js"> and no framework.
//
//   <layerlab-playground panels="layers,log" builder="buildkit" catalog-date="2026-08">
//     <pre>FROM python:3.12-slim
//   COPY app.py .</pre>
//     <script type="text/plain" data-file="app.py">print("hi")</script>
//   </layerlab-playground>
//
// It upgrades the Dockerfile block it wraps (<pre>, <code> or <textarea>) or,
// when empty, the block just before it. Until it is near the viewport it
// shows the block as highlighted text (without JavaScript the page shows the
// plain block). The playground runs in an iframe of the app this script is
// served beside; its files travel in the iframe's link, so the embed never
// touches the playground's autosave. Messages are checked both ways: the
// element listens only to its own iframe, from the app's origin, and sends
// only to that origin. Failures show in the element's own box.
//
// Attributes: panels (layers,files,log,classic,history,images,inspect,hints),
// readonly, height (px; without it the embed follows its content's height),
// theme (auto|light|dark), catalog-date (YYYY-MM), builder (buildkit|classic),
// lesson (a lesson file's URL).
// Methods: setFiles({name: text}), getSummary() → Promise of the build summary.
// Event: 'layerlab-summary' (detail: the summary) after getSummary().

const APP = new URL('./', import.meta.url);
const KNOWN_PANELS = ['layers', 'files', 'log', 'classic', 'history', 'images', 'inspect', 'hints'];

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

async function deflateRaw(text) {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function highlight(text) {
  const pre = document.createElement('pre');
  pre.className = 'layerlab-preview';
  for (const line of text.split('\n')) {
    const m = /^(\s*)([A-Za-z]+)(.*)$/.exec(line);
    if (m && !line.trim().startsWith('#')) {
      pre.append(m[1]);
      const kw = document.createElement('b');
      kw.textContent = m[2];
      pre.append(kw, m[3] + '\n');
    } else {
      pre.append(line + '\n');
    }
  }
  return pre;
}

class LayerlabPlayground extends HTMLElement {
  connectedCallback() {
    if (this.started) return;
    this.started = true;
    try {
      this.files = this.collect();
    } catch (e) {
      this.fail(String(e.message || e));
      return;
    }
    this.style.display = 'block';
    this.preview = highlight(this.files.Dockerfile);
    this.replaceChildren(this.preview);
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        this.start().catch((e) => this.fail(String(e.message || e)));
      }
    }, { rootMargin: '300px' });
    io.observe(this);
  }

  collect() {
    let block = this.querySelector('textarea, pre, code');
    if (!block) {
      const prev = this.previousElementSibling;
      if (prev && /^(PRE|CODE|TEXTAREA)$/.test(prev.tagName)) {
        block = prev;
        prev.hidden = true;
      }
    }
    if (!block) throw new Error('layerlab-playground: no Dockerfile block (a <pre>, <code> or <textarea>) inside or just before it');
    const files = { Dockerfile: (block.value ?? block.textContent).replace(/^\n/, '') };
    for (const s of this.querySelectorAll('script[type="text/plain"][data-file]')) {
      files[s.dataset.file] = s.textContent.replace(/^\n/, '');
    }
    const panels = this.getAttribute('panels');
    if (panels && !panels.split(',').every((p) => KNOWN_PANELS.includes(p.trim()))) {
      throw new Error(`layerlab-playground: unknown panel in panels="${panels}" (known: ${KNOWN_PANELS.join(', ')})`);
    }
    const builder = this.getAttribute('builder');
    if (builder && !['buildkit', 'classic'].includes(builder)) throw new Error(`layerlab-playground: builder="${builder}" is not buildkit or classic`);
    const date = this.getAttribute('catalog-date');
    if (date && !/^\d{4}-\d{2}(-\d{2})?$/.test(date)) throw new Error(`layerlab-playground: catalog-date="${date}" is not YYYY-MM`);
    return files;
  }

  async start() {
    const names = Object.keys(this.files).sort((a, b) => (a === 'Dockerfile' ? -1 : b === 'Dockerfile' ? 1 : a.localeCompare(b)));
    const snapshot = {
      v: 1,
      files: names.map((n) => [n, this.files[n]]),
      builder: this.getAttribute('builder') || 'buildkit',
      catalog_date: this.getAttribute('catalog-date') || null,
    };
    const link = '1.' + base64url(await deflateRaw(JSON.stringify(snapshot)));
    const params = new URLSearchParams({ embed: '1' });
    params.set('panels', this.getAttribute('panels') || 'layers,log');
    if (this.hasAttribute('readonly')) params.set('readonly', '1');
    if (this.getAttribute('theme')) params.set('theme', this.getAttribute('theme'));
    if (this.getAttribute('lesson')) params.set('lesson', this.getAttribute('lesson'));
    const frame = document.createElement('iframe');
    frame.title = 'layerlab playground';
    frame.src = new URL(`?${params}#s=${link}`, APP).href;
    frame.style.cssText = 'width:100%;border:1px solid #d8dbe0;border-radius:6px;display:block';
    frame.style.height = (Number(this.getAttribute('height')) || 480) + 'px';
    this.frame = frame;
    this.waiting = [];
    const timeout = setTimeout(() => this.fail(`layerlab-playground: the app at ${APP.href} did not answer`), 20000);
    window.addEventListener('message', (e) => {
      if (e.source !== frame.contentWindow || e.origin !== APP.origin || typeof e.data !== 'object' || !e.data) return;
      if (e.data.type === 'layerlab:height') {
        clearTimeout(timeout);
        const h = Number(e.data.height);
        if (!this.hasAttribute('height') && h > 0 && h < 5000) frame.style.height = h + 'px';
      } else if (e.data.type === 'layerlab:summary') {
        for (const resolve of this.waiting.splice(0)) resolve(e.data);
        this.dispatchEvent(new CustomEvent('layerlab-summary', { detail: e.data }));
      }
    });
    this.replaceChildren(frame);
  }

  /** Replaces the playground's files ({name: text}, a Dockerfile among them). */
  setFiles(files) {
    this.frame?.contentWindow?.postMessage({ type: 'layerlab:set-files', files }, APP.origin);
  }

  /** The current build's summary (steps, sizes, cache hits). */
  getSummary() {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.frame?.contentWindow?.postMessage({ type: 'layerlab:get-summary' }, APP.origin);
    });
  }

  fail(message) {
    const box = document.createElement('div');
    box.className = 'layerlab-error';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'border:1px solid #c62828;color:#c62828;padding:.5rem .7rem;border-radius:6px;font:13px system-ui';
    box.textContent = message;
    this.replaceChildren(...[this.preview, box].filter(Boolean));
  }
}

if (!customElements.get('layerlab-playground')) customElements.define('layerlab-playground', LayerlabPlayground);
