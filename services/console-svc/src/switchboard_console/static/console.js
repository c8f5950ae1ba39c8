// Live pages: conversations.v1 changes arrive as server-sent events (/live); the parts of
// the page that show the changed conversation (or a queue) reload themselves through htmx.
(function () {
  if (!window.EventSource || !document.body.dataset.live) { return; }
  const source = new EventSource("/live");
  source.addEventListener("change", function (message) {
    const change = JSON.parse(message.data);
    document.querySelectorAll("[data-live-queue]").forEach(function (el) {
      htmx.trigger(el, "refresh");
    });
    document.querySelectorAll("[data-live-conversation]").forEach(function (el) {
      if (el.dataset.liveConversation === change.conversation_id) { htmx.trigger(el, "refresh"); }
    });
  });
  source.addEventListener("open", function () { document.body.dataset.liveOpen = "yes"; });
  // Sent by the console on every (re)connection, once subscribed: reload what the page
  // shows, for a change between its render (or the drop) and now.
  source.addEventListener("hello", function () { refreshAll(); });
  function refreshAll() {
    document.querySelectorAll("[data-live-queue], [data-live-conversation]").forEach(function (el) {
      htmx.trigger(el, "refresh");
    });
  }
  // A reload whose answer shows what the part already shows is not swapped in: a swap of
  // the same HTML would still replace the link under a click in flight. What a person is
  // typing survives the swaps that do happen (hx-preserve on the form fields).
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const digest = event.detail.xhr.getResponseHeader("X-Live-Digest");
    const target = event.detail.target;
    if (!digest || !target.hasAttribute("data-live-digest")) { return; }
    if (target.dataset.liveDigest === digest) { event.detail.shouldSwap = false; return; }
    target.dataset.liveDigest = digest;
  });
  // Every htmx request carries the session's CSRF token, like the forms.
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
  });
}());
