// Loaded by the playground page: in embed mode (inside a host's iframe) it
// tells the host its content's height, so an embed can follow it. Nothing
// else, and only a number.
const params = new URLSearchParams(location.search);
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
