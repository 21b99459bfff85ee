/* dearmp embed: put the action page inside the organisation's own page.
 *   <script src="https://act.example.org/embed.js" data-campaign="xinjiang" data-lang="fr" async></script>
 *   <noscript><iframe src="https://act.example.org/campaigns/xinjiang" title="…" width="100%" height="2400"></iframe></noscript>
 * The frame grows to its content: the page inside tells its height by postMessage, and only a
 * message from this service's origin, from that frame, is listened to. The host page's utm_*,
 * src and ref ride along, so the action is counted to where the supporter came from. The
 * organisation's site must be in FRAME_ANCESTORS, or the browser refuses to show the frame. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.URL || !window.URLSearchParams) return;
  var origin = new URL(script.src).origin;
  var slug = script.getAttribute('data-campaign') || '';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return;
  var url = new URL('/campaigns/' + slug, origin);
  var here = new URLSearchParams(window.location.search);
  ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'src', 'ref', 'lang'].forEach(function (key) {
    var value = here.get(key);
    if (value) url.searchParams.set(key, value);
  });
  var lang = script.getAttribute('data-lang');
  if (lang && !url.searchParams.get('lang')) url.searchParams.set('lang', lang);
  // Where the page inside may send its height (browsers without location.ancestorOrigins need it).
  url.searchParams.set('embed', window.location.origin);

  var frame = document.createElement('iframe');
  frame.src = url.toString();
  frame.title = script.getAttribute('data-title') || 'Send a letter';
  frame.style.width = '100%';
  frame.style.border = '0';
  frame.style.display = 'block';
  frame.style.height = '900px';
  script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener('message', function (event) {
    // Only this service's page, in this frame, may size it.
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== 'dearmp:height' || typeof data.height !== 'number' || !isFinite(data.height)) return;
    frame.style.height = Math.max(200, Math.min(20000, Math.ceil(data.height))) + 'px';
  });
})();
