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
  // Every htmx request carries the session's CSRF token, like the forms.
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = document.body.dataset.csrf;
  });
}());
