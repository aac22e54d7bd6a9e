// Loaded by the playground page before the wasm: sets the theme a link asks
// for (`?theme=light|dark`, an embed's theme attribute; otherwise the
// system's) so the first paint has it, and in embed mode (inside a host's
// iframe) tells the host its content's height, so an embed can follow it.
// It sends nothing else, and only a number.
const params = new URLSearchParams(location.search);
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
