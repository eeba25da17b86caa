/**
 * The one script of our own: it heals a live region whose stream went silent. The server sends
 * a ping every 10 s, so 35 s without any message means the connection died without saying so
 * (htmx reconnects only streams that end); a fresh copy of the element connects again, and the
 * server's first message is the current fragment. A hidden tab is left alone: htmx pauses it.
 */
export const liveScript = `(() => {
  const silentMs = 35000;
  const selector = "[hx-sse\\\\:connect]";
  const last = new WeakMap();
  const mark = (event) => last.set(event.currentTarget, Date.now());
  const watch = (el) => {
    last.set(el, Date.now());
    el.addEventListener("htmx:sse:after:message", mark);
    el.addEventListener("htmx:sse:after:connection", mark);
  };
  const start = () => document.querySelectorAll(selector).forEach(watch);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  setInterval(() => {
    if (document.hidden) return;
    document.querySelectorAll(selector).forEach((el) => {
      if (Date.now() - (last.get(el) ?? 0) < silentMs) return;
      const fresh = el.cloneNode(true);
      el.replaceWith(fresh);
      watch(fresh);
      window.htmx?.process(fresh);
    });
  }, 5000);
})();
`;
