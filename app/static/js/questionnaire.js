// Questionnaire pages: follow-up questions appear and disappear as the user answers.
//
// Progressive enhancement only: without this file the server does the same on submit
// (app/engine/questionnaire/page.py). The rules are the questionnaire YAML's « si: »
// conditions, serialised by the server into the form's data-pf-regles attribute; this file
// evaluates them with the same three-valued (Kleene) logic as app/engine/conditions.py:
// a condition that is false hides its question, an unknown one (« Je ne sais pas », no
// answer) still shows it. A hidden question has the `hidden` attribute and disabled
// controls: it is neither seen, nor submitted, nor required.
(function () {
  "use strict";

  var ALL = "toutes ces conditions";
  var ANY = "une de ces conditions";
  var NONE = "aucune de ces conditions";
  var KINDS = ["question", "territoire"];
  var OPERATORS = ["est", "n'est pas", "contient", "au moins", "au plus", "supérieur à", "inférieur à", "est renseigné"];
  var UNKNOWN_VALUES = ["inconnu", "je ne sais pas", "ne sait pas", ""];
  var BOOL_WORDS = { oui: true, non: false, "true": true, "false": false };

  function asList(value) {
    return Array.isArray(value) ? value : [value];
  }

  function isUnknown(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return UNKNOWN_VALUES.indexOf(value.trim().toLowerCase()) !== -1;
    if (Array.isArray(value)) return value.every(isUnknown);
    return false;
  }

  // A comparable key: "oui"/"non" and booleans compare equal, text is trimmed, numbers stay numbers.
  function key(value) {
    if (typeof value === "boolean") return "b:" + value;
    if (typeof value === "string") {
      var low = value.trim().toLowerCase();
      if (Object.prototype.hasOwnProperty.call(BOOL_WORDS, low)) return "b:" + BOOL_WORDS[low];
      return "s:" + value.trim();
    }
    // Python compares True == 1 and False == 0 (app.engine.conditions uses sets): so does this.
    if (typeof value === "number") return value === 1 ? "b:true" : value === 0 ? "b:false" : "n:" + value;
    return "o:" + JSON.stringify(value);
  }

  function toNumber(value) {
    if (typeof value === "boolean") return null;
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value === "string") {
      var text = value.replace(/,/g, ".").replace(/ /g, "");
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
      return parseFloat(text);
    }
    return null;
  }

  function atomFact(atom) {
    for (var i = 0; i < KINDS.length; i++) {
      if (Object.prototype.hasOwnProperty.call(atom, KINDS[i])) return KINDS[i] + ":" + atom[KINDS[i]];
    }
    return null;
  }

  function atomOperator(atom) {
    for (var i = 0; i < OPERATORS.length; i++) {
      if (Object.prototype.hasOwnProperty.call(atom, OPERATORS[i])) return OPERATORS[i];
    }
    return null;
  }

  // true, false or null (unknown) — the value of app.engine.conditions.evaluate.
  function evaluate(condition, facts) {
    if (condition === null || condition === undefined) return true;
    if (Array.isArray(condition)) condition = { "toutes ces conditions": condition };
    if (typeof condition !== "object") return null;
    // A named condition (« condition: id », resolved with its « si » by the content loader).
    if (Object.prototype.hasOwnProperty.call(condition, "condition")) {
      return Object.prototype.hasOwnProperty.call(condition, "si") ? evaluate(condition.si, facts) : null;
    }
    var combinator = [ALL, ANY, NONE].filter(function (k) {
      return Object.prototype.hasOwnProperty.call(condition, k);
    })[0];
    if (combinator) {
      var results = (condition[combinator] || []).map(function (child) {
        return evaluate(child, facts);
      });
      if (combinator === ALL) {
        if (results.indexOf(false) !== -1) return false;
        return results.indexOf(null) !== -1 ? null : true;
      }
      var any = results.indexOf(true) !== -1 ? true : results.indexOf(null) !== -1 ? null : false;
      if (combinator === ANY) return any;
      return any === null ? null : !any;
    }
    if (Object.keys(condition).length === 0) return true;
    return evaluateAtom(condition, facts);
  }

  function evaluateAtom(atom, facts) {
    var fact = atomFact(atom);
    var op = atomOperator(atom);
    if (fact === null || op === null) return null;
    var actual = facts[fact];
    var expected = atom[op];
    if (op === "est renseigné") {
      var want = key(expected) === "b:true";
      return !isUnknown(actual) === want;
    }
    if (isUnknown(actual)) return null;
    if (["au moins", "au plus", "supérieur à", "inférieur à"].indexOf(op) !== -1) {
      var a = toNumber(actual);
      var e = toNumber(expected);
      if (a === null || e === null) return null;
      return { "au moins": a >= e, "au plus": a <= e, "supérieur à": a > e, "inférieur à": a < e }[op];
    }
    var wanted = asList(expected).map(key);
    var hit = asList(actual).some(function (v) {
      return !isUnknown(v) && wanted.indexOf(key(v)) !== -1;
    });
    return op === "n'est pas" ? !hit : hit;
  }

  // --- reading the page's answers, as app.engine.questionnaire.validate_answer would -----------

  function parseNumber(text) {
    var cleaned = text.trim().replace(/[\u202f\u00a0 ]/g, "").replace(/,/g, ".");
    if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
    return parseFloat(cleaned);
  }

  function controls(block, name) {
    return Array.prototype.filter.call(block.querySelectorAll("input, select, textarea"), function (el) {
      return el.name === name;
    });
  }

  function readValue(block) {
    var id = block.getAttribute("data-pf-question");
    var type = block.getAttribute("data-pf-type");
    var els = controls(block, id);
    if (type === "localisation" || els.length === 0) return null;
    if (type === "choix_multiple") {
      var checked = els.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
      return checked.length ? checked : null;
    }
    if (type === "choix_unique" || type === "oui_non") {
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (el.tagName === "SELECT") return el.value || null;
        if (el.checked) return el.value;
      }
      return null;
    }
    var typed = null;
    var dontKnow = false;
    els.forEach(function (el) {
      if (el.type === "checkbox") dontKnow = dontKnow || el.checked;
      else if (el.value.trim()) typed = el.value;
    });
    if (type === "nombre" || type === "annee") {
      if (typed === null) return dontKnow ? "inconnu" : null;
      return parseNumber(typed); // unreadable: unknown, as on the server
    }
    return typed === null ? null : typed.trim().replace(/\s+/g, " ");
  }

  function setShown(block, shown) {
    if (block.hidden === !shown) return false;
    block.hidden = !shown;
    Array.prototype.forEach.call(block.querySelectorAll("input, select, textarea, button"), function (el) {
      el.disabled = !shown;
    });
    return true;
  }

  function init(form) {
    var rules;
    try {
      rules = JSON.parse(form.getAttribute("data-pf-regles") || "{}");
    } catch (err) {
      return; // the server still checks everything on submit
    }
    var conditions = rules.conditions || {};
    var outside = rules.faits || {};
    var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-pf-question]"));
    var seenField = form.querySelector("input[name=questions_affichees]");
    var live = document.createElement("p");
    live.className = "fr-sr-only";
    live.setAttribute("aria-live", "polite");
    form.appendChild(live);

    function update(announce) {
      var facts = {};
      Object.keys(outside).forEach(function (k) { facts[k] = outside[k]; });
      var seen = [];
      var opened = [];
      blocks.forEach(function (block) {
        var id = block.getAttribute("data-pf-question");
        var visible = true;
        if (Object.prototype.hasOwnProperty.call(conditions, id)) {
          visible = evaluate(conditions[id], facts) !== false;
          if (setShown(block, visible) && visible) opened.push(block);
        }
        if (visible) {
          seen.push(id);
          var value = readValue(block);
          if (value === null) delete facts["question:" + id];
          else facts["question:" + id] = value;
        } else {
          delete facts["question:" + id];
        }
      });
      if (seenField) seenField.value = seen.join(",");
      if (announce && opened.length) {
        live.textContent = opened.length === 1
          ? "Une question complémentaire apparaît ci-dessous."
          : opened.length + " questions complémentaires apparaissent ci-dessous.";
      }
    }

    form.addEventListener("change", function () { update(true); });
    form.addEventListener("input", function () { update(true); });
    update(false);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pf-regles]"), init);
    var notice = document.getElementById("questions-complementaires");
    if (notice && !document.getElementById("resume-erreurs")) notice.focus();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // For the browser tests and the curious: the same evaluation as the server's.
  window.pfConditions = { evaluate: evaluate };
})();
