// Loaded by the playground page before the wasm: drops the static first
// paint when the page opens other files than the starter, sets the theme a link asks
// for (`?theme=light|dark`, an embed's theme attribute; otherwise the
// system's) so the first paint has it, and in embed mode (inside a host's
// iframe) tells the host its content's height, so an embed can follow it.
// It sends nothing else, and only a number.
const params = new URLSearchParams(location.search);
// The static first paint is the starter: not what a share link, an embed, a
// lesson or an autosave opens.
// The key is browser.rs's AUTOSAVE_KEY.
let saved = null;
try { saved = localStorage.getItem('layerlab.autosave.v1'); } catch { /* storage may be refused in a frame */ }
const starter = [...params.keys()].every((k) => k === 'editor' || k === 'theme');
if (location.hash.startsWith('#s=') || !starter || saved) {
  document.getElementById('first-paint')?.remove();
}
const theme = params.get('theme');
if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
if (params.get('embed') && params.get('embed') !== '0' && window.parent !== window) {
  let last = 0;
  const send = () => {
    const h = Math.ceil(document.documentElement.scrollHeight);
    if (h !== last) {
      last = h;
      window.parent.postMessage({ type: 'layerlab:height', height: h }, '*');
    }
  };
  new ResizeObserver(send).observe(document.documentElement);
  addEventListener('load', send);
  setTimeout(send, 500);
}
