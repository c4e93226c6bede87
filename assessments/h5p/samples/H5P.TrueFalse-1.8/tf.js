var H5P = H5P || {};
H5P.TrueFalse = (function ($) {
  'use strict';

  function toText(html) {
    if (typeof html !== 'string') { return ''; }
    var doc = new DOMParser().parseFromString(html, 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
  }

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
    this.trigger('resize');  // the feedback line makes the content taller: let the iframe grow
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
