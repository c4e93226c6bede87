/* The lesson video player: asks the server to start a viewing, then sends a heartbeat every
   few seconds while the video plays and the tab is visible. The server decides what counts;
   this script only reports how long it played and where it is, and shows the server's answer. */
(function () {
  "use strict";

  var configElement = document.getElementById("learning-config");
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent);
  if (!config.tracking) return;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: config.messages.network }; });
    });
  }

  function minutes(seconds) {
    var value = Math.floor(seconds / 6) / 10;
    return value.toFixed(1).replace(/\.0$/, "");
  }

  function Player(box) {
    this.box = box;
    this.video = box.querySelector("video");
    this.status = box.querySelector(".video-status");
    this.bar = box.querySelector(".video-progress progress");
    this.label = box.querySelector(".video-progress-label");
    this.required = Number(box.dataset.required) || 0;
    this.furthest = Number(box.dataset.furthest) || 0;
    this.resumeAt = Number(box.dataset.position) || 0;
    this.token = null;
    this.seq = 0;
    this.playedMs = 0;      // playing time not yet reported
    this.tickAt = null;     // when the current stretch of visible playing started
    this.timer = null;
    this.lastBeatAt = 0;
    this.chain = Promise.resolve();  // beats go one after another, in sequence order
    if (this.required && Number(box.dataset.credited) >= this.required) box.classList.add("reached");
    this.bind();
  }

  Player.prototype.bind = function () {
    var self = this;
    var video = this.video;
    video.addEventListener("loadedmetadata", function () {
      if (self.resumeAt > 0 && self.resumeAt < (video.duration || 0) - 1) video.currentTime = self.resumeAt;
    });
    video.addEventListener("play", function () { self.onPlay(); });
    video.addEventListener("pause", function () { self.stop(config.messages.paused); });
    video.addEventListener("ended", function () { self.stop(""); });
    video.addEventListener("timeupdate", function () {
      self.tick();
      if (!video.seeking && video.currentTime > self.furthest && video.currentTime <= self.furthest + 3) {
        self.furthest = video.currentTime;
      }
    });
    video.addEventListener("seeking", function () {
      // Skipping past the furthest point watched is not allowed (the server refuses it anyway).
      if (video.currentTime > self.furthest + 1) {
        video.currentTime = self.furthest;
        self.say(config.messages.skipAhead);
      }
    });
    video.addEventListener("ratechange", function () {
      if (video.playbackRate > 1) video.playbackRate = 1;
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        if (self.timer) self.stop(config.messages.hidden);
      } else if (!video.paused && !video.ended) {
        self.onPlay();
      }
    });
  };

  Player.prototype.counting = function () {
    return !this.video.paused && !this.video.ended && document.visibilityState === "visible";
  };

  Player.prototype.tick = function () {
    var now = performance.now();
    if (this.tickAt !== null) this.playedMs += now - this.tickAt;
    this.tickAt = this.counting() ? now : null;
  };

  Player.prototype.onPlay = function () {
    var self = this;
    if (!this.counting() || this.timer) return;
    this.tickAt = performance.now();
    if (!this.box.classList.contains("reached")) this.say(config.messages.counting);
    // The server counts from the start of a viewing: open one (or a fresh one after idling) right away.
    this.chain = this.chain.then(function () { return self.ensureSession(); }).catch(function () {
      self.say(config.messages.network);
    });
    this.timer = window.setInterval(function () { self.beat(); }, config.heartbeatSeconds * 1000);
  };

  Player.prototype.stop = function (message) {
    this.tick();
    this.tickAt = null;
    if (this.timer) {
      window.clearInterval(this.timer);
      this.timer = null;
    }
    this.beat();  // report the last stretch
    if (message) this.say(message);
  };

  Player.prototype.ensureSession = function () {
    var self = this;
    var idle = (Date.now() - this.lastBeatAt) > (config.idleSeconds - 5) * 1000;
    if (this.token && !idle) return Promise.resolve(true);
    return postJson(this.box.dataset.watchStartUrl).then(function (data) {
      if (!data.ok) {
        self.say(data.message);
        return false;
      }
      self.token = data.token;
      self.seq = 0;
      self.lastBeatAt = Date.now();
      // Playing before the server's start cannot be counted: the count begins now.
      self.playedMs = 0;
      if (self.tickAt !== null) self.tickAt = performance.now();
      self.furthest = Math.max(self.furthest, data.furthest || 0);
      self.show(data.block_credited, data.required);
      return true;
    });
  };

  Player.prototype.beat = function () {
    var self = this;
    this.tick();
    this.chain = this.chain.then(function () {
      // No viewing (never started, or another window took over): nothing is sent until play is pressed.
      if (!self.token || self.playedMs < 1000) return null;
      var played = Math.floor(self.playedMs / 1000);
      self.playedMs -= played * 1000;
      self.seq += 1;
      self.lastBeatAt = Date.now();
      return postJson(config.heartbeatUrl, {
        token: self.token, seq: self.seq, position: self.video.currentTime, played: played
      }).then(function (data) { self.answer(data); });
    }).catch(function () { self.say(config.messages.network); });
  };

  Player.prototype.answer = function (data) {
    if (typeof data.block_credited === "number" && data.required) this.show(data.block_credited, data.required);
    if (typeof data.furthest === "number" && data.ok) this.furthest = Math.max(this.furthest, data.furthest);
    var self = this;
    if (data.reason === "stale" || data.reason === "not_studying") {
      this.token = null;  // only pressing play again takes the video back
      this.video.pause();
    } else if (data.reason === "idle" || data.reason === "ended" || data.reason === "unknown_session") {
      this.token = null;  // this window's viewing lapsed (e.g. the network was down): open a new one
      if (this.counting()) {
        this.chain = this.chain.then(function () { return self.ensureSession(); });
      }
    }
    if (data.message) {
      this.say(data.message);
    } else if (data.ok && this.counting() && !this.box.classList.contains("reached")) {
      this.say(config.messages.counting);
    }
    if (data.lesson_done) {
      var status = document.querySelector("[data-lesson-status]");
      if (status) {
        status.textContent = config.messages.lessonDone;
        status.classList.add("done");
      }
      var pending = document.querySelector("[data-lesson-requirement]");
      if (pending) pending.hidden = true;
    }
  };

  Player.prototype.show = function (credited, required) {
    var shown = Math.min(credited, required);
    if (this.bar) {
      this.bar.max = required;
      this.bar.value = shown;
    }
    if (this.label) {
      this.label.textContent = this.box.dataset.progressFormat
        .replace("{done}", minutes(shown)).replace("{required}", minutes(required));
    }
    if (shown >= required && !this.box.classList.contains("reached")) {
      this.box.classList.add("reached");
      this.say(config.messages.requiredReached);
    }
  };

  Player.prototype.say = function (message) {
    if (this.status) this.status.textContent = message || "";
  };

  document.querySelectorAll("[data-watch-start-url]").forEach(function (box) {
    box.player = new Player(box);
  });
})();
