var H5P = H5P || {};
H5P.MultiChoice = (function ($) {
  'use strict';
  var instances = 0;

  function toText(html) {
    if (typeof html !== 'string') { return ''; }
    var doc = new DOMParser().parseFromString(html, 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }

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
    this.trigger('resize');  // the feedback line makes the content taller: let the iframe grow
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
