"""Builders for H5P test packages: our own minimal TrueFalse, MultiChoice and Blanks libraries.

Everything here is written for these tests — no third-party H5P code. The JavaScript is a real
(small, ES5) H5P content type for the H5P core that h5p-standalone loads: it renders the
question, computes the score the way H5P's own types do, and triggers an xAPI "answered"
statement; the server recomputes the score independently.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# A fixed timestamp keeps the zip bytes (and so their sha256) identical from run to run.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

# 1x1 baseline JPEG and 1x1 RGB PNG, generated once with Pillow and frozen here.
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a18161618"
    "3123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb00"
    "43011112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363"
    "636363636363636363636363636363636363636363ffc00011080001000103012200021101031101ffc400150001"
    "0100000000000000000000000000000005ffc40014100100000000000000000000000000000000ffc40015010101"
    "00000000000000000000000000000406ffc40014110100000000000000000000000000000000ffda000c03010002"
    "110311003f008e002a87ffd9"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c633821"
    "27070002b6010534a675aa0000000049454e44ae426082"
)

TRUEFALSE = ("H5P.TrueFalse", 1, 8)
MULTICHOICE = ("H5P.MultiChoice", 1, 16)
BLANKS = ("H5P.Blanks", 1, 14)


# ---------------------------------------------------------------------------------------------
# zip and package assembly


def zip_members(
    members: Iterable[tuple[str, bytes]],
    *,
    compress: bool = True,
    unix_modes: Mapping[str, int] | None = None,
) -> bytes:
    """A zip of (name, bytes) pairs in the order given; names may repeat; `unix_modes` sets st_mode bits."""
    modes = unix_modes or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.create_system = 3  # unix, so external_attr carries a file mode
            mode = modes.get(name, 0o040755 if name.endswith("/") else 0o100644)
            info.external_attr = (mode & 0xFFFF) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes], *, compress: bool = True) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps, no directory entries."""
    return zip_members(sorted(files.items()), compress=compress)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def library_json(
    machine_name: str,
    major: int,
    minor: int,
    patch: int,
    *,
    js_path: str | None,
    css_path: str | None,
    core_api: tuple[int, int] | None,
    preloaded: Iterable[tuple[str, int, int]],
    runnable: bool,
    title: str | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "title": title or machine_name.split(".")[-1],
        "machineName": machine_name,
        "majorVersion": major,
        "minorVersion": minor,
        "patchVersion": patch,
        "runnable": 1 if runnable else 0,
        "license": "MIT",
        "author": "teacher-lms tests",
        "embedTypes": ["iframe"],
    }
    if core_api is not None:
        metadata["coreApi"] = {"majorVersion": core_api[0], "minorVersion": core_api[1]}
    if js_path:
        metadata["preloadedJs"] = [{"path": js_path}]
    if css_path:
        metadata["preloadedCss"] = [{"path": css_path}]
    dependencies = [
        {"machineName": name, "majorVersion": dep_major, "minorVersion": dep_minor}
        for name, dep_major, dep_minor in preloaded
    ]
    if dependencies:
        metadata["preloadedDependencies"] = dependencies
    return metadata


def library_files(
    machine_name: str,
    major: int,
    minor: int,
    patch: int,
    *,
    js: str,
    css: str = "",
    semantics: list[Any] | None = None,
    core_api: tuple[int, int] | None = None,
    preloaded: Iterable[tuple[str, int, int]] = (),
    runnable: bool = True,
    extra: dict[str, bytes] | None = None,
    js_path: str | None = None,
    css_path: str | None = None,
    title: str | None = None,
) -> dict[str, bytes]:
    """Files of one library, keyed relative to its folder; `core_api=None` leaves coreApi out."""
    stem = machine_name.split(".")[-1].lower()
    js_name = js_path or f"{stem}.js"
    css_name = (css_path or f"{stem}.css") if css else None
    metadata = library_json(
        machine_name,
        major,
        minor,
        patch,
        js_path=js_name,
        css_path=css_name,
        core_api=core_api,
        preloaded=preloaded,
        runnable=runnable,
        title=title,
    )
    files: dict[str, bytes] = {"library.json": json_bytes(metadata), js_name: js.encode("utf-8")}
    if css_name:
        files[css_name] = css.encode("utf-8")
    if semantics is not None:
        files["semantics.json"] = json_bytes(semantics)
    files.update(extra or {})
    return files


def _library_id(files: Mapping[str, bytes]) -> tuple[str, int, int]:
    metadata = json.loads(files["library.json"])
    return metadata["machineName"], metadata["majorVersion"], metadata["minorVersion"]


def package_files(
    *,
    title: str,
    main: tuple[str, int, int, int],
    libraries: dict[str, dict[str, bytes]],
    content: dict[str, Any],
    media: dict[str, bytes] | None = None,
    dependencies: list[tuple[str, int, int]] | None = None,
) -> dict[str, bytes]:
    """Every file of a package keyed by its full path; dependencies default to all libraries, main first."""
    if dependencies is None:
        found = [_library_id(files) for files in libraries.values() if "library.json" in files]
        main_id = (main[0], main[1], main[2])
        dependencies = [main_id] + [item for item in found if item != main_id]
    h5p = {
        "title": title,
        "language": "zh",
        "mainLibrary": main[0],
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": name, "majorVersion": major, "minorVersion": minor}
            for name, major, minor in dependencies
        ],
    }
    files: dict[str, bytes] = {"h5p.json": json_bytes(h5p), "content/content.json": json_bytes(content)}
    for folder, library in libraries.items():
        files.update({f"{folder}/{path}": data for path, data in library.items()})
    for path, data in (media or {}).items():
        files[f"content/{path}"] = data
    return files


def write_package(tmp_path: Path, data: bytes, name: str = "activity.h5p") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------
# shared JavaScript: inert HTML → text (DOMParser documents run no scripts and load no images)

JS_TO_TEXT = r"""
  function toText(html) {
    if (typeof html !== 'string') { return ''; }
    var doc = new DOMParser().parseFromString(html, 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }
"""

BASE_CSS = """
.h5p-{name} { font-size: 1rem; line-height: 1.6; padding: .5rem; }
.h5p-{name} button { margin: .25rem .5rem .25rem 0; padding: .35rem 1rem; cursor: pointer; }
.h5p-{name} button[disabled] { cursor: default; opacity: .5; }
.h5p-{name}-selected { outline: 3px solid #1a73e8; }
.h5p-{name}-feedback { margin-top: .5rem; font-weight: bold; }
"""


def _css(name: str) -> str:
    return BASE_CSS.replace("{name}", name)


# ---------------------------------------------------------------------------------------------
# H5P.TrueFalse

TRUEFALSE_JS = (
    r"""var H5P = H5P || {};
H5P.TrueFalse = (function ($) {
  'use strict';
"""
    + JS_TO_TEXT
    + r"""
  function TrueFalse(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params || {};
    this.contentId = contentId;
    this.extras = extras || {};
    var state = this.extras.previousState;
    this.answer = (state && (state.answer === 'true' || state.answer === 'false')) ? state.answer : null;
    this.checked = false;
  }
  TrueFalse.prototype = Object.create(H5P.EventDispatcher.prototype);
  TrueFalse.prototype.constructor = TrueFalse;

  // H5P stores the solution as the string "true" or "false"; anything else counts as "true".
  TrueFalse.prototype.correctAnswer = function () {
    return String(this.params.correct) === 'false' ? 'false' : 'true';
  };

  TrueFalse.prototype.attach = function ($container) {
    var self = this;
    $container.addClass('h5p-tf').empty();
    $('<div class="h5p-tf-question"></div>').text(toText(self.params.question)).appendTo($container);
    var $options = $('<div class="h5p-tf-options" role="group"></div>').appendTo($container);
    self.$true = $('<button type="button" class="h5p-tf-true" data-answer="true"></button>').text('对').appendTo($options);
    self.$false = $('<button type="button" class="h5p-tf-false" data-answer="false"></button>').text('错').appendTo($options);
    self.$check = $('<button type="button" class="h5p-tf-check"></button>').text('检查').appendTo($container);
    self.$feedback = $('<div class="h5p-tf-feedback" aria-live="polite"></div>').appendTo($container);
    $options.on('click', 'button', function () {
      self.select($(this).attr('data-answer'));
    });
    self.$check.on('click', function () {
      self.check();
    });
    self.render();
    self.trigger('resize');
  };

  TrueFalse.prototype.select = function (answer) {
    this.answer = answer === 'false' ? 'false' : 'true';
    this.checked = false;
    this.render();
  };

  TrueFalse.prototype.render = function () {
    if (!this.$true) { return; }
    this.$true.toggleClass('h5p-tf-selected', this.answer === 'true').attr('aria-pressed', String(this.answer === 'true'));
    this.$false.toggleClass('h5p-tf-selected', this.answer === 'false').attr('aria-pressed', String(this.answer === 'false'));
    this.$check.prop('disabled', this.answer === null);
    this.$feedback.text(this.checked ? this.getScore() + ' / ' + this.getMaxScore() : '');
  };

  TrueFalse.prototype.check = function () {
    if (this.answer === null) { return; }
    this.checked = true;
    this.render();
    this.trigger(this.answeredEvent());
  };

  TrueFalse.prototype.answeredEvent = function () {
    var event = this.createXAPIEventTemplate('answered');
    var definition = event.getVerifiedStatementValue(['object', 'definition']);
    definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    definition.interactionType = 'true-false';
    definition.correctResponsesPattern = [this.correctAnswer()];
    definition.description = {'en-US': toText(this.params.question)};
    var score = this.getScore();
    var maxScore = this.getMaxScore();
    event.setScoredResult(score, maxScore, this, true, score === maxScore);
    event.data.statement.result.response = this.answer === null ? '' : this.answer;
    return event;
  };

  TrueFalse.prototype.getScore = function () {
    return this.answer !== null && this.answer === this.correctAnswer() ? 1 : 0;
  };
  TrueFalse.prototype.getMaxScore = function () { return 1; };
  TrueFalse.prototype.getAnswerGiven = function () { return this.answer !== null; };
  TrueFalse.prototype.getCurrentState = function () {
    return this.answer === null ? undefined : {answer: this.answer};
  };
  TrueFalse.prototype.getXAPIData = function () {
    return {statement: this.answeredEvent().data.statement};
  };
  TrueFalse.prototype.showSolutions = function () {
    if (!this.$true) { return; }
    (this.correctAnswer() === 'true' ? this.$true : this.$false).addClass('h5p-tf-solution');
  };
  TrueFalse.prototype.resetTask = function () {
    this.answer = null;
    this.checked = false;
    if (this.$true) { this.$true.add(this.$false).removeClass('h5p-tf-solution'); }
    this.render();
  };

  return TrueFalse;
})(H5P.jQuery);
"""
)

TRUEFALSE_SEMANTICS: list[Any] = [
    {"name": "question", "type": "text", "widget": "html", "label": "Question", "importance": "high"},
    {
        "name": "correct",
        "type": "select",
        "label": "Correct answer",
        "default": "true",
        "options": [{"value": "true", "label": "True"}, {"value": "false", "label": "False"}],
    },
    {
        "name": "behaviour",
        "type": "group",
        "label": "Behavioural settings",
        "optional": True,
        "fields": [{"name": "enableRetry", "type": "boolean", "label": "Enable retry", "default": True}],
    },
]


def truefalse_library(patch: int = 0) -> dict[str, bytes]:
    return library_files(
        *TRUEFALSE,
        patch,
        js=TRUEFALSE_JS,
        css=_css("tf"),
        semantics=TRUEFALSE_SEMANTICS,
        core_api=(1, 24),
        js_path="tf.js",
        css_path="tf.css",
        title="True/False Question",
    )


def truefalse_files(
    *, correct: bool = True, question: str = "信息技术可以支持课堂讲授。", patch: int = 0, title: str = "判断题"
) -> dict[str, bytes]:
    content = {"question": f"<p>{question}</p>", "correct": "true" if correct else "false"}
    return package_files(
        title=title,
        main=(*TRUEFALSE, patch),
        libraries={"H5P.TrueFalse-1.8": truefalse_library(patch)},
        content=content,
    )


def truefalse_package(
    *, correct: bool = True, question: str = "信息技术可以支持课堂讲授。", patch: int = 0, title: str = "判断题"
) -> bytes:
    return zip_bytes(truefalse_files(correct=correct, question=question, patch=patch, title=title))


# ---------------------------------------------------------------------------------------------
# H5P.MultiChoice

MULTICHOICE_JS = (
    r"""var H5P = H5P || {};
H5P.MultiChoice = (function ($) {
  'use strict';
  var instances = 0;
"""
    + JS_TO_TEXT
    + r"""
  function validIndexes(values, count) {
    var chosen = [];
    if (!$.isArray(values)) { return chosen; }
    for (var i = 0; i < values.length; i++) {
      var index = values[i];
      if (typeof index === 'number' && index % 1 === 0 && index >= 0 && index < count && chosen.indexOf(index) === -1) {
        chosen.push(index);
      }
    }
    return chosen.sort(function (a, b) { return a - b; });
  }

  function MultiChoice(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params || {};
    this.answers = $.isArray(this.params.answers) ? this.params.answers : [];
    this.behaviour = this.params.behaviour || {};
    this.contentId = contentId;
    this.extras = extras || {};
    instances += 1;
    this.groupName = 'h5p-mc-' + contentId + '-' + instances;
    var state = this.extras.previousState;
    this.chosen = validIndexes(state ? state.answers : null, this.answers.length);
    this.checked = false;
  }
  MultiChoice.prototype = Object.create(H5P.EventDispatcher.prototype);
  MultiChoice.prototype.constructor = MultiChoice;

  MultiChoice.prototype.correctIndexes = function () {
    var indexes = [];
    for (var i = 0; i < this.answers.length; i++) {
      if (this.answers[i] && this.answers[i].correct === true) { indexes.push(i); }
    }
    return indexes;
  };

  // As H5P: "auto" shows radios when exactly one answer is correct, checkboxes otherwise.
  MultiChoice.prototype.isSingle = function () {
    if (this.behaviour.type === 'single') { return true; }
    if (this.behaviour.type === 'multi') { return false; }
    return this.correctIndexes().length === 1;
  };

  MultiChoice.prototype.attach = function ($container) {
    var self = this;
    var inputType = self.isSingle() ? 'radio' : 'checkbox';
    $container.addClass('h5p-mc').empty();
    $('<div class="h5p-mc-question"></div>').text(toText(self.params.question)).appendTo($container);
    var $list = $('<ul class="h5p-mc-answers" role="list"></ul>').appendTo($container);
    self.$inputs = $();
    for (var i = 0; i < self.answers.length; i++) {
      var $label = $('<label class="h5p-mc-label"></label>');
      // The type goes in the markup: older jQuery refuses to change an input's type afterwards.
      var $input = $('<input class="h5p-mc-answer" type="' + inputType + '">')
        .attr({name: self.groupName, value: String(i), 'data-index': String(i)})
        .prop('checked', self.chosen.indexOf(i) !== -1);
      $label.append($input).append($('<span class="h5p-mc-text"></span>').text(toText(self.answers[i] && self.answers[i].text)));
      $('<li class="h5p-mc-option"></li>').append($label).appendTo($list);
      self.$inputs = self.$inputs.add($input);
    }
    self.$check = $('<button type="button" class="h5p-mc-check"></button>').text('检查').appendTo($container);
    self.$feedback = $('<div class="h5p-mc-feedback" aria-live="polite"></div>').appendTo($container);
    self.$inputs.on('change', function () {
      self.readInputs();
    });
    self.$check.on('click', function () {
      self.check();
    });
    self.render();
    self.trigger('resize');
  };

  MultiChoice.prototype.readInputs = function () {
    var chosen = [];
    this.$inputs.each(function () {
      if (this.checked) { chosen.push(parseInt(this.getAttribute('data-index'), 10)); }
    });
    this.chosen = validIndexes(chosen, this.answers.length);
    this.checked = false;
    this.render();
  };

  MultiChoice.prototype.render = function () {
    if (!this.$check) { return; }
    this.$check.prop('disabled', this.chosen.length === 0);
    this.$feedback.text(this.checked ? this.getScore() + ' / ' + this.getMaxScore() : '');
  };

  MultiChoice.prototype.check = function () {
    this.checked = true;
    this.render();
    this.trigger(this.answeredEvent());
  };

  MultiChoice.prototype.answeredEvent = function () {
    var event = this.createXAPIEventTemplate('answered');
    var definition = event.getVerifiedStatementValue(['object', 'definition']);
    definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    definition.interactionType = 'choice';
    definition.description = {'en-US': toText(this.params.question)};
    definition.choices = [];
    for (var i = 0; i < this.answers.length; i++) {
      definition.choices.push({id: String(i), description: {'en-US': toText(this.answers[i] && this.answers[i].text)}});
    }
    definition.correctResponsesPattern = [this.correctIndexes().join('[,]')];
    var score = this.getScore();
    var maxScore = this.getMaxScore();
    event.setScoredResult(score, maxScore, this, true, score === maxScore);
    event.data.statement.result.response = this.chosen.join('[,]');
    return event;
  };

  // As H5P MultiChoice: +1 per correct answer chosen, -1 per wrong one, never below 0;
  // with no correct answer at all, choosing nothing is the right answer (worth 1).
  MultiChoice.prototype.rawScore = function () {
    var correct = this.correctIndexes();
    if (correct.length === 0) { return this.chosen.length === 0 ? 1 : 0; }
    var score = 0;
    for (var i = 0; i < this.chosen.length; i++) {
      score += correct.indexOf(this.chosen[i]) !== -1 ? 1 : -1;
    }
    return Math.max(score, 0);
  };
  MultiChoice.prototype.rawMaxScore = function () {
    return Math.max(this.correctIndexes().length, 1);
  };
  MultiChoice.prototype.getScore = function () {
    if (this.behaviour.singlePoint === true) {
      return this.rawScore() === this.rawMaxScore() ? 1 : 0;
    }
    return this.rawScore();
  };
  MultiChoice.prototype.getMaxScore = function () {
    return this.behaviour.singlePoint === true ? 1 : this.rawMaxScore();
  };
  MultiChoice.prototype.getAnswerGiven = function () { return this.chosen.length > 0; };
  MultiChoice.prototype.getCurrentState = function () {
    return this.chosen.length ? {answers: this.chosen.slice()} : undefined;
  };
  MultiChoice.prototype.getXAPIData = function () {
    return {statement: this.answeredEvent().data.statement};
  };
  MultiChoice.prototype.showSolutions = function () {
    var correct = this.correctIndexes();
    if (!this.$inputs) { return; }
    this.$inputs.each(function () {
      var index = parseInt(this.getAttribute('data-index'), 10);
      $(this).closest('li').toggleClass('h5p-mc-solution', correct.indexOf(index) !== -1);
    });
  };
  MultiChoice.prototype.resetTask = function () {
    this.chosen = [];
    this.checked = false;
    if (this.$inputs) {
      this.$inputs.prop('checked', false).closest('li').removeClass('h5p-mc-solution');
    }
    this.render();
  };

  return MultiChoice;
})(H5P.jQuery);
"""
)

MULTICHOICE_SEMANTICS: list[Any] = [
    {"name": "question", "type": "text", "widget": "html", "label": "Question", "importance": "high"},
    {
        "name": "answers",
        "type": "list",
        "label": "Available options",
        "entity": "option",
        "min": 1,
        "field": {
            "name": "answer",
            "type": "group",
            "label": "Option",
            "fields": [
                {"name": "text", "type": "text", "widget": "html", "label": "Text"},
                {"name": "correct", "type": "boolean", "label": "Correct", "default": False},
            ],
        },
    },
    {
        "name": "behaviour",
        "type": "group",
        "label": "Behavioural settings",
        "optional": True,
        "fields": [
            {
                "name": "type",
                "type": "select",
                "label": "Question type",
                "default": "auto",
                "options": [
                    {"value": "auto", "label": "Automatic"},
                    {"value": "multi", "label": "Multiple choice (checkboxes)"},
                    {"value": "single", "label": "Single choice (radio buttons)"},
                ],
            },
            {"name": "singlePoint", "type": "boolean", "label": "Give one point for the whole task", "default": False},
        ],
    },
]

DEFAULT_ANSWERS: list[tuple[str, bool]] = [
    ("多媒体课件", True),
    ("粉笔", False),
    ("黑板擦", False),
]


def multichoice_library(patch: int = 0) -> dict[str, bytes]:
    return library_files(
        *MULTICHOICE,
        patch,
        js=MULTICHOICE_JS,
        css=_css("mc"),
        semantics=MULTICHOICE_SEMANTICS,
        core_api=(1, 24),
        js_path="mc.js",
        css_path="mc.css",
        title="Multiple Choice",
    )


def multichoice_files(
    *,
    answers: list[tuple[str, bool]] | None = None,
    single_point: bool = False,
    patch: int = 0,
    title: str = "单选题",
    question: str = "下列哪一项属于信息技术教学资源？",
) -> dict[str, bytes]:
    content = {
        "question": f"<p>{question}</p>",
        "answers": [{"text": f"<div>{text}</div>", "correct": correct} for text, correct in answers or DEFAULT_ANSWERS],
        "behaviour": {"singlePoint": single_point, "type": "auto"},
    }
    return package_files(
        title=title,
        main=(*MULTICHOICE, patch),
        libraries={"H5P.MultiChoice-1.16": multichoice_library(patch)},
        content=content,
    )


def multichoice_package(
    *, answers: list[tuple[str, bool]] | None = None, single_point: bool = False, patch: int = 0, title: str = "单选题"
) -> bytes:
    return zip_bytes(multichoice_files(answers=answers, single_point=single_point, patch=patch, title=title))


# ---------------------------------------------------------------------------------------------
# H5P.Blanks

BLANKS_JS = (
    r"""var H5P = H5P || {};
H5P.Blanks = (function ($) {
  'use strict';
"""
    + JS_TO_TEXT
    + r"""
  // A blank is *answer* or *answer/alternative* with an optional :tip, as in H5P Blanks.
  function parseLine(text) {
    var parts = [];
    var pattern = /\*([^*]+)\*/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var solutions = [];
      var alternatives = match[1].split(':')[0].split('/');
      for (var i = 0; i < alternatives.length; i++) {
        var solution = normalise(alternatives[i]);
        if (solution !== '') { solutions.push(solution); }
      }
      if (!solutions.length) { continue; }
      if (match.index > last) { parts.push(text.substring(last, match.index)); }
      parts.push({solutions: solutions});
      last = pattern.lastIndex;
    }
    if (last < text.length) { parts.push(text.substring(last)); }
    return parts;
  }

  // Answers are compared trimmed, with runs of whitespace as one space.
  function normalise(value) {
    return String(value === undefined || value === null ? '' : value).replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }

  function Blanks(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params || {};
    this.behaviour = this.params.behaviour || {};
    this.caseSensitive = this.behaviour.caseSensitive !== false;
    this.contentId = contentId;
    this.extras = extras || {};
    this.lines = [];
    this.blanks = [];
    var questions = $.isArray(this.params.questions) ? this.params.questions : [];
    for (var i = 0; i < questions.length; i++) {
      var parts = parseLine(toText(questions[i]));
      for (var j = 0; j < parts.length; j++) {
        if (typeof parts[j] !== 'string') { this.blanks.push(parts[j]); }
      }
      this.lines.push(parts);
    }
    var state = this.extras.previousState;
    this.typed = [];
    for (var k = 0; k < this.blanks.length; k++) {
      var previous = state && $.isArray(state.answers) ? state.answers[k] : '';
      this.typed.push(typeof previous === 'string' ? previous : '');
    }
    this.checked = false;
  }
  Blanks.prototype = Object.create(H5P.EventDispatcher.prototype);
  Blanks.prototype.constructor = Blanks;

  Blanks.prototype.attach = function ($container) {
    var self = this;
    var index = 0;
    $container.addClass('h5p-blanks').empty();
    if (self.params.text) {
      $('<div class="h5p-blanks-text"></div>').text(toText(self.params.text)).appendTo($container);
    }
    self.$inputs = $();
    for (var i = 0; i < self.lines.length; i++) {
      var $line = $('<div class="h5p-blanks-line"></div>').appendTo($container);
      for (var j = 0; j < self.lines[i].length; j++) {
        var part = self.lines[i][j];
        if (typeof part === 'string') {
          $line.append(document.createTextNode(part));
          continue;
        }
        var $input = $('<input type="text" class="h5p-blanks-input">')
          .attr({'data-index': String(index), autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false'})
          .val(self.typed[index]);
        $line.append($input);
        self.$inputs = self.$inputs.add($input);
        index += 1;
      }
    }
    self.$check = $('<button type="button" class="h5p-blanks-check"></button>').text('检查').appendTo($container);
    self.$feedback = $('<div class="h5p-blanks-feedback" aria-live="polite"></div>').appendTo($container);
    self.$inputs.on('input change', function () {
      self.typed[parseInt(this.getAttribute('data-index'), 10)] = this.value;
      self.checked = false;
      self.render();
    });
    self.$check.on('click', function () {
      self.check();
    });
    self.render();
    self.trigger('resize');
  };

  Blanks.prototype.render = function () {
    if (!this.$check) { return; }
    this.$feedback.text(this.checked ? this.getScore() + ' / ' + this.getMaxScore() : '');
  };

  Blanks.prototype.check = function () {
    var self = this;
    if (self.$inputs) {
      self.$inputs.each(function () {
        self.typed[parseInt(this.getAttribute('data-index'), 10)] = this.value;
      });
    }
    self.checked = true;
    self.render();
    self.trigger(self.answeredEvent());
  };

  Blanks.prototype.isCorrect = function (index) {
    var typed = normalise(this.typed[index]);
    var solutions = this.blanks[index].solutions;
    for (var i = 0; i < solutions.length; i++) {
      var same = this.caseSensitive ? typed === solutions[i] : typed.toLowerCase() === solutions[i].toLowerCase();
      if (same) { return true; }
    }
    return false;
  };

  Blanks.prototype.answeredEvent = function () {
    var event = this.createXAPIEventTemplate('answered');
    var definition = event.getVerifiedStatementValue(['object', 'definition']);
    var lines = [];
    var firstSolutions = [];
    for (var i = 0; i < this.lines.length; i++) {
      var text = '';
      for (var j = 0; j < this.lines[i].length; j++) {
        var part = this.lines[i][j];
        text += typeof part === 'string' ? part : '__________';
      }
      lines.push(text);
    }
    for (var k = 0; k < this.blanks.length; k++) { firstSolutions.push(this.blanks[k].solutions[0]); }
    definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    definition.interactionType = 'fill-in';
    definition.description = {'en-US': (this.params.text ? toText(this.params.text) + ' ' : '') + lines.join(' ')};
    definition.correctResponsesPattern = ['{case_matters=' + this.caseSensitive + '}' + firstSolutions.join('[,]')];
    var score = this.getScore();
    var maxScore = this.getMaxScore();
    event.setScoredResult(score, maxScore, this, true, score === maxScore);
    var typed = [];
    for (var m = 0; m < this.typed.length; m++) { typed.push(normalise(this.typed[m])); }
    event.data.statement.result.response = typed.join('[,]');
    return event;
  };

  Blanks.prototype.getScore = function () {
    var score = 0;
    for (var i = 0; i < this.blanks.length; i++) {
      if (this.isCorrect(i)) { score += 1; }
    }
    return score;
  };
  Blanks.prototype.getMaxScore = function () { return this.blanks.length; };
  Blanks.prototype.getAnswerGiven = function () {
    for (var i = 0; i < this.typed.length; i++) {
      if (normalise(this.typed[i]) !== '') { return true; }
    }
    return false;
  };
  Blanks.prototype.getCurrentState = function () {
    return this.getAnswerGiven() ? {answers: this.typed.slice()} : undefined;
  };
  Blanks.prototype.getXAPIData = function () {
    return {statement: this.answeredEvent().data.statement};
  };
  Blanks.prototype.showSolutions = function () {
    var self = this;
    if (!self.$inputs) { return; }
    self.$inputs.each(function () {
      var index = parseInt(this.getAttribute('data-index'), 10);
      $(this).attr('placeholder', self.blanks[index].solutions[0]);
    });
  };
  Blanks.prototype.resetTask = function () {
    for (var i = 0; i < this.typed.length; i++) { this.typed[i] = ''; }
    this.checked = false;
    if (this.$inputs) { this.$inputs.val('').removeAttr('placeholder'); }
    this.render();
  };

  return Blanks;
})(H5P.jQuery);
"""
)

BLANKS_SEMANTICS: list[Any] = [
    {"name": "text", "type": "text", "widget": "html", "label": "Task description", "optional": True},
    {
        "name": "questions",
        "type": "list",
        "label": "Text blocks",
        "entity": "text block",
        "min": 1,
        "field": {"name": "question", "type": "text", "widget": "html", "label": "Line of text"},
    },
    {
        "name": "behaviour",
        "type": "group",
        "label": "Behavioural settings",
        "optional": True,
        "fields": [{"name": "caseSensitive", "type": "boolean", "label": "Case sensitive", "default": True}],
    },
]

DEFAULT_BLANKS: list[str] = ["<p>课堂上用 *PPT/演示文稿* 展示。</p>", "<p>网络学习空间的英文缩写是 *OLS*。</p>"]


def blanks_library(patch: int = 0) -> dict[str, bytes]:
    return library_files(
        *BLANKS,
        patch,
        js=BLANKS_JS,
        css=_css("blanks"),
        semantics=BLANKS_SEMANTICS,
        core_api=(1, 24),
        js_path="blanks.js",
        css_path="blanks.css",
        title="Fill in the Blanks",
    )


def blanks_files(
    *, questions: list[str] | None = None, case_sensitive: bool = True, patch: int = 0, title: str = "填空题"
) -> dict[str, bytes]:
    content = {
        "text": "<p>在空白处填写正确答案。</p>",
        "questions": list(questions or DEFAULT_BLANKS),
        "behaviour": {"caseSensitive": case_sensitive},
    }
    return package_files(
        title=title,
        main=(*BLANKS, patch),
        libraries={"H5P.Blanks-1.14": blanks_library(patch)},
        content=content,
    )


def blanks_package(
    *, questions: list[str] | None = None, case_sensitive: bool = True, patch: int = 0, title: str = "填空题"
) -> bytes:
    return zip_bytes(blanks_files(questions=questions, case_sensitive=case_sensitive, patch=patch, title=title))
