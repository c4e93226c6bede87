var H5P = H5P || {};
H5P.Blanks = (function ($) {
  'use strict';

  function toText(html) {
    if (typeof html !== 'string') { return ''; }
    var doc = new DOMParser().parseFromString(html, 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }

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
    self.trigger('resize');  // the feedback line makes the content taller: let the iframe grow
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
