/* H5P activities in a lesson: the h5p-standalone player (served from our own static files) plays each
   activity; its xAPI statements go to the server, which recomputes the score and answers with the
   result that counts. Players start one after another, as h5p-standalone needs. */
(function () {
  "use strict";

  var routes = {};
  // Taken before the first player starts: loading a player replaces the page's H5PStandalone global.
  var Player = window.H5PStandalone && window.H5PStandalone.H5P;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key] === undefined ? "" : values[key]; });
  }

  function number(text) {
    var value = parseFloat(text);
    return isNaN(value) ? text : String(Math.round(value * 100) / 100);
  }

  function showResult(route, body) {
    var box = route.section.querySelector("[data-h5p-result]");
    var status = route.section.querySelector("[data-h5p-status]");
    if (body.message && status) status.textContent = body.message;
    var result = body.result;
    if (!box || !result) return;
    var line = result.percent === null
      ? box.dataset.formatCompleted
      : format(box.dataset.formatScore, {score: number(result.score), max: number(result.max_score), percent: number(result.percent)});
    box.innerHTML = "";
    var score = document.createElement("span");
    score.setAttribute("data-h5p-score", "");
    score.textContent = line;
    var passed = document.createElement("span");
    passed.setAttribute("data-h5p-passed", "");
    passed.textContent = " " + (result.passed ? box.dataset.textPassed : box.dataset.textNotPassed);
    box.appendChild(score);
    box.appendChild(passed);
    if (body.lesson_done) {
      var lessonStatus = document.querySelector("[data-lesson-status]");
      if (lessonStatus) {
        lessonStatus.classList.add("done");
        lessonStatus.setAttribute("data-done", "1");
        lessonStatus.textContent = box.dataset.textLessonDone;
      }
      var requirement = document.querySelector("[data-lesson-requirement]");
      if (requirement) requirement.remove();
    }
  }

  function send(route, statement) {
    if (!statement.id) statement.id = newId();
    sent[statement.id] = true;
    route.section.setAttribute("data-h5p-sending", "1");
    return fetch(route.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-H5P-Token": route.token},
      body: JSON.stringify(statement)
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) showResult(route, body);
        else {
          var status = route.section.querySelector("[data-h5p-status]");
          if (status) status.textContent = body.message || "";
        }
        route.section.setAttribute("data-h5p-recorded", String(Number(route.section.getAttribute("data-h5p-recorded") || 0) + 1));
      });
    }).catch(function () {
      var status = route.section.querySelector("[data-h5p-status]");
      var box = route.section.querySelector("[data-h5p-result]");
      if (status && box) status.textContent = box.dataset.textNetwork;
    }).then(function () { route.section.removeAttribute("data-h5p-sending"); });
  }

  function contentIdOf(statement) {
    var extensions = statement && statement.object && statement.object.definition && statement.object.definition.extensions;
    var id = extensions && extensions["http://h5p.org/x-api/h5p-local-content-id"];
    return id === undefined || id === null ? null : String(id);
  }

  function onStatement(event) {
    var statement = event && event.data && event.data.statement;
    if (!statement || !statement.verb) return;
    var verb = String(statement.verb.id || "").split("/").pop();
    if (verb === "interacted") return; // every click: not evidence of anything
    var route = routes[contentIdOf(statement)];
    if (route) send(route, statement);
  }

  function startOne(element) {
    var config = JSON.parse(document.getElementById(element.getAttribute("data-config-id")).textContent);
    var options = {
      id: config.id,
      h5pJsonPath: config.h5pJsonPath,
      contentJsonPath: config.contentJsonPath,
      librariesPath: config.librariesPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      frame: false, copyright: false, export: false, embed: false, icon: false, fullScreen: false,
      xAPIObjectIRI: window.location.origin + config.h5pJsonPath,
      saveFreq: config.saveSeconds || 10,
      ajax: {contentUserDataUrl: config.contentUserDataUrl},
      contentUserData: config.contentUserData || undefined,
      user: config.user
    };
    routes[config.id] = {url: config.statementUrl, token: config.token, section: element.closest("section")};
    return new Player(element, options).then(function () {
      element.setAttribute("data-h5p-ready", "1");
    });
  }

  // Each player that loads may bring the page a new H5P namespace; the players' frames report to the
  // current one. Listen on every dispatcher seen, and send each statement once.
  var dispatchers = [];
  var sent = {};

  function listen() {
    var dispatcher = window.H5P && window.H5P.externalDispatcher;
    if (!dispatcher || dispatchers.indexOf(dispatcher) >= 0) return;
    dispatchers.push(dispatcher);
    dispatcher.on("xAPI", function (event) {
      var statement = event && event.data && event.data.statement;
      if (!statement || (statement.id && sent[statement.id])) return;
      onStatement(event);
    });
  }

  function start() {
    var players = Array.prototype.slice.call(document.querySelectorAll("[data-h5p-player]"));
    var chain = Promise.resolve();
    players.forEach(function (element) {
      chain = chain.then(function () { return startOne(element); }).then(listen).catch(function (error) {
        var status = element.closest("section").querySelector("[data-h5p-status]");
        if (status) status.textContent = String(error && error.message || error);
        if (window.console) console.error(error && error.stack || error);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
