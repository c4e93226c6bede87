/* The projector page: poll the code endpoint every few seconds, and again as soon as the code changes. */
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.codeUrl;
  if (!url) { return; }
  var pollSeconds = parseInt(body.dataset.pollSeconds, 10) || 10;
  var codeWindow = parseInt(body.dataset.windowSeconds, 10) || 60;
  var secondsLeft = 0;
  var code = document.getElementById("sign-in-code");
  var qr = document.getElementById("sign-in-qr");
  var state = document.getElementById("display-state");
  var count = document.getElementById("signed-in-count");
  var bar = document.getElementById("countdown-bar");
  var timer = null;

  function schedule(seconds) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, Math.max(1, seconds) * 1000);
  }

  function show(data) {
    if (code.textContent !== data.code) {
      code.textContent = data.code;
      qr.innerHTML = data.qr_svg;  // an SVG our own server drew from its own URL
    }
    code.dataset.state = data.state;
    state.textContent = data.state_text;
    count.textContent = data.signed_in_text;
    secondsLeft = data.seconds_left;
    if (secondsLeft > codeWindow) { codeWindow = secondsLeft; }
    bar.style.width = (100 * secondsLeft / codeWindow) + "%";
    // Poll every few seconds, and right after the code rolls over.
    schedule(data.state === "open" ? Math.min(pollSeconds, secondsLeft + 1) : pollSeconds);
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(show)
      .catch(function () { schedule(pollSeconds); });
  }

  setInterval(function () {
    if (secondsLeft > 0) {
      secondsLeft -= 1;
      bar.style.width = (100 * secondsLeft / codeWindow) + "%";
    }
  }, 1000);

  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  });

  refresh();
})();
