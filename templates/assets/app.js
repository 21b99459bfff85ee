// Progressive enhancement for the action, petition and status pages. Without this script they work
// as plain forms and links; with it, the letter form goes step by step, finds the MP as the
// supporter types, previews the letters and sends without leaving the page; the petition's form
// posts as it is, once. No framework, no dependencies.
(function () {
  'use strict';
  var dataEl = document.getElementById('page-data');
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var t = data.text;
  // Links made before the supporter's share address is known carry this in its place (shareLinks.ts).
  var PLACEHOLDER = 'https://share.invalid/SHARE_URL';

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function api(method, url, body) {
    return fetch(url, {
      method: method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': data.lang },
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) { return { status: res.status, body: json }; });
    }, function () {
      return { status: 0, body: { error: { code: 'network', message: t.network } } };
    });
  }

  if (data.page === 'action') actionPage();
  if (data.page === 'petition') petitionPage();
  if (data.page === 'status') statusPage();
  if (data.page === 'thanks') focusThanks();
  if (data.page === 'thanks' || data.page === 'status') wireShare();
  tellFrameHeight();
  var printButton = document.getElementById('print-letter');
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener('click', function () { window.print(); });
  }

  // The thank-you page says what happened first: its heading takes the focus.
  function focusThanks() {
    var heading = document.getElementById('thanks-title');
    if (heading) heading.focus();
  }

  function actionPage() {
    var form = document.getElementById('action-form');
    if (!form) return;
    var postal = document.getElementById('postalCode');
    var findButton = document.getElementById('find-mp');
    var mpResult = document.getElementById('mp-result');
    var ridingChoice = document.getElementById('riding-choice');
    var details = document.getElementById('step-details');
    var letterStep = document.getElementById('step-letter');
    var previewButton = document.getElementById('preview-button');
    var preview = document.getElementById('preview');
    var summary = document.getElementById('error-summary');
    var send = document.getElementById('send');
    var message = document.getElementById('message');
    var count = document.getElementById('message-count');
    var foundFor = null;

    // Step by step, unless the server sent the form back with errors (then everything shows).
    findButton.hidden = false;
    previewButton.hidden = false;
    if (form.getAttribute('data-has-errors') !== 'true' && !mpResult.firstElementChild) {
      details.hidden = true;
      letterStep.hidden = true;
    }

    function reveal() {
      details.hidden = false;
      letterStep.hidden = false;
    }

    function formValues() {
      var values = {};
      new FormData(form).forEach(function (value, key) { values[key] = value; });
      var body = {
        firstName: values.firstName || '', lastName: values.lastName || '', email: values.email || '',
        postalCode: values.postalCode || '', address: values.address || '', city: values.city || '',
        message: values.message || '', locale: data.lang, consent: { updates: !!values['consent[updates]'] },
      };
      if (values.district) body.district = values.district;
      // Where the supporter came from, as the page address said (hidden fields).
      var source = {};
      ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'src'].forEach(function (k) { if (values['source[' + k + ']']) source[k] = values['source[' + k + ']']; });
      if (Object.keys(source).length > 0) body.source = source;
      if (values.ref) body.ref = values.ref;
      // Write to some: the boxes ticked (none ticked is the server's to refuse, by the field).
      var boxes = form.querySelectorAll('input[name="targets"]');
      if (boxes.length > 0) {
        body.targets = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).map(function (b) { return b.value; });
      }
      return body;
    }

    function clearErrors() {
      summary.hidden = true;
      summary.querySelector('ul').textContent = '';
      Array.prototype.forEach.call(form.querySelectorAll('.has-error'), function (f) { f.classList.remove('has-error'); });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (i) { i.removeAttribute('aria-invalid'); });
      Array.prototype.forEach.call(form.querySelectorAll('.field .error, #targets-error'), function (e) { e.hidden = true; e.textContent = ''; });
    }

    // Shows each error next to its field and in the summary, then moves focus to the first one.
    function showErrors(error) {
      clearErrors();
      var fields = error.fields || {};
      var list = summary.querySelector('ul');
      var first = null;
      var names = Object.keys(fields);
      if (names.length === 0) names = [null];
      names.forEach(function (name) {
        var text = name ? fields[name] : error.message;
        var input = name && document.getElementById(name);
        if (input) {
          var box = document.getElementById(name + '-field');
          var msg = document.getElementById(name + '-error');
          if (box) box.classList.add('has-error');
          if (msg) { msg.textContent = text; msg.hidden = false; }
          input.setAttribute('aria-invalid', 'true');
          if (input.closest('[hidden]')) reveal();
          first = first || input;
        }
        var link = el('a', { href: '#' + (input ? name : 'error-summary'), text: text });
        list.appendChild(el('li', {}, [link]));
      });
      summary.hidden = false;
      (first || summary).focus();
    }

    function mpCard(rep, label) {
      var img = rep.photoUrl ? el('img', { src: rep.photoUrl, alt: '', width: '80', height: '100', loading: 'lazy', referrerpolicy: 'no-referrer' }) : null;
      if (img) img.addEventListener('error', function () { img.remove(); });
      return el('div', { class: 'mp-card' }, [
        img,
        el('div', {}, [
          el('p', { class: 'mp-label', text: label }),
          el('p', { class: 'mp-name', text: rep.name }),
          el('p', { class: 'mp-meta', text: (rep.party ? rep.party + ' · ' : '') + rep.district }),
        ]),
      ]);
    }

    function showChoices(reps) {
      ridingChoice.textContent = '';
      var fieldset = el('fieldset', { class: 'choices', id: 'district' }, [
        el('legend', { text: t.chooseRiding }),
        el('p', { class: 'hint', text: t.ridingHint }),
      ]);
      reps.forEach(function (rep, i) {
        var input = el('input', { type: 'radio', name: 'district', id: 'district-' + i, value: rep.district });
        input.addEventListener('change', function () {
          mpResult.textContent = '';
          mpResult.appendChild(mpCard(rep, t.yourMpIs));
          reveal();
        });
        fieldset.appendChild(el('div', { class: 'choice' }, [input, el('label', { for: 'district-' + i, text: rep.district + ' — ' + rep.name })]));
      });
      ridingChoice.appendChild(fieldset);
      ridingChoice.hidden = false;
      fieldset.querySelector('input').focus();
    }

    function findMp() {
      var code = postal.value.trim();
      if (!code) return showErrors({ fields: { postalCode: t.postalCodeMissing } });
      clearErrors();
      ridingChoice.hidden = true;
      ridingChoice.textContent = '';
      mpResult.textContent = t.finding;
      findButton.disabled = true;
      api('GET', '/api/campaigns/' + data.slug + '/representatives?postalCode=' + encodeURIComponent(code)).then(function (res) {
        findButton.disabled = false;
        mpResult.textContent = '';
        foundFor = code;
        if (res.status === 200 && res.body.ambiguous) return showChoices(res.body.representatives);
        if (res.status === 200) {
          mpResult.appendChild(mpCard(res.body.representatives[0], t.yourMpIs));
          reveal();
          return document.getElementById('firstName').focus();
        }
        if (res.status === 503) {
          mpResult.appendChild(el('p', { class: 'notice', text: t.mpPending }));
          reveal();
          return;
        }
        foundFor = null;
        showErrors({ fields: { postalCode: (res.body.error && res.body.error.message) || t.network } });
      });
    }

    findButton.addEventListener('click', findMp);
    postal.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { event.preventDefault(); findMp(); }
    });
    postal.addEventListener('change', function () {
      if (foundFor !== null && postal.value.trim() !== foundFor) { mpResult.textContent = ''; ridingChoice.hidden = true; }
    });

    // Live character count, announced politely.
    function updateCount() {
      var left = data.messageMax - message.value.length;
      count.textContent = fmt(t.charactersLeft, { count: left.toLocaleString(data.lang === 'fr' ? 'fr-CA' : 'en-CA') });
    }
    count.hidden = false;
    updateCount();
    message.addEventListener('input', updateCount);

    previewButton.addEventListener('click', function () {
      previewButton.disabled = true;
      api('POST', '/api/campaigns/' + data.slug + '/preview', formValues()).then(function (res) {
        previewButton.disabled = false;
        if (res.status !== 200) return showErrors(res.body.error || {});
        clearErrors();
        preview.textContent = '';
        var heading = el('h3', { text: t.previewTitle, tabindex: '-1' });
        preview.appendChild(heading);
        res.body.letters.forEach(function (letter) {
          var to = letter.recipient.name ? letter.recipient.name + ' · ' + letter.recipient.role : letter.recipient.role;
          preview.appendChild(el('article', {}, [
            el('p', {}, [el('strong', { text: t.to + ' ' }), document.createTextNode(to)]),
            letter.subject ? el('p', {}, [el('strong', { text: t.subject + ' ' }), document.createTextNode(letter.subject)]) : null,
            letter.text ? el('pre', { class: 'letter-text', text: letter.text })
              : el('p', { text: letter.status === 'awaiting_election' ? t.previewElection : letter.status === 'skipped' ? t.previewSkipped : t.previewPending }),
          ]));
        });
        preview.hidden = false;
        heading.focus();
      });
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      send.disabled = true;
      send.textContent = t.sending;
      api('POST', '/api/campaigns/' + data.slug + '/actions', formValues()).then(function (res) {
        if (res.status === 202) {
          showThanks(res.body);
          return;
        }
        send.disabled = false;
        send.textContent = t.send;
        var error = res.body.error || {};
        if (error.code === 'district_required' && error.choices) {
          showChoices(error.choices.map(function (c) { return { name: c.name, district: c.district }; }));
          return;
        }
        showErrors(error);
      });
    });
  }

  // The thank-you view, from the answer: the letters this request composed, and that a copy with
  // the link to follow them is in the inbox (the answer never carries that link).
  function showThanks(answer) {
    var th = t.thanks;
    var heading = el('h1', { id: 'thanks-title', tabindex: '-1', text: answer.confirmationRequired ? th.titleConfirm : th.titleLetters });
    var letters = answer.letters.map(function (l) {
      var to = el('p', { class: 'letter-to' }, [el('strong', { text: l.recipient.name || th.toMp }), l.recipient.name ? document.createTextNode(' · ' + l.recipient.role) : null]);
      return el('li', { class: 'letter' }, [to, el('p', { class: 'letter-subject', text: l.subject ? th.subject + ' ' + l.subject : th.mpPending })]);
    });
    var section = el('section', { class: 'thanks', 'aria-labelledby': 'thanks-title' }, [
      heading,
      el('p', { class: 'notice check-email', text: answer.confirmationRequired ? th.confirmLetters : th.inboxLetters }),
      el('h2', { text: th.lettersTitle }),
      el('ul', { class: 'letters' }, letters),
      el('p', { class: 'hint', text: th.noEmail }),
    ]);
    var main = document.getElementById('main');
    main.textContent = '';
    main.appendChild(section);
    if (answer.share && data.share) main.appendChild(shareSection(answer.share.url));
    wireShare();
    document.title = heading.textContent + ' · ' + document.title;
    window.scrollTo(0, 0);
    heading.focus();
  }

  // The share section of the thank-you view: the page's links, made for a placeholder address,
  // with the supporter's own address (from the answer) put in.
  function shareSection(url) {
    var s = data.share;
    var put = function (href) { return href.split(encodeURIComponent(PLACEHOLDER)).join(encodeURIComponent(url)).split(PLACEHOLDER).join(url); };
    var links = s.links.map(function (l) {
      return el('li', {}, [el('a', { href: put(l.href), class: 'share-' + l.channel, rel: 'noopener noreferrer', target: '_blank' }, [
        document.createTextNode(l.label), el('span', { class: 'visually-hidden', text: ' ' + data.opensNewTab }),
      ])]);
    });
    return el('section', { class: 'share', 'aria-labelledby': 'share-title', 'data-share-url': url, 'data-share-text': s.text }, [
      el('h2', { id: 'share-title', text: s.title }),
      el('p', { class: 'share-native', hidden: 'hidden' }, [el('button', { type: 'button', class: 'primary', id: 'share-native', text: data.shareNative })]),
      el('ul', { class: 'share-links' }, links),
      el('div', { class: 'field copy-share' }, [
        el('label', { for: 'share-url', text: data.shareLinkLabel }),
        el('div', { class: 'copy-row' }, [
          el('input', { type: 'text', id: 'share-url', value: url, readonly: 'readonly' }),
          el('button', { type: 'button', class: 'secondary', id: 'copy-share', hidden: 'hidden', text: t.copyShareLink }),
        ]),
        el('p', { class: 'hint', id: 'copy-share-live', role: 'status', 'aria-live': 'polite' }),
      ]),
      s.others && s.others.length ? el('h3', { text: s.othersTitle }) : null,
      s.others && s.others.length
        ? el('ul', { class: 'other-campaigns' }, s.others.map(function (o) { return el('li', {}, [el('a', { href: o.href, text: o.title })]); }))
        : null,
    ]);
  }

  // The phone's own share sheet where the browser has one; copy-link where the clipboard works.
  function wireShare() {
    var section = document.querySelector('section.share[data-share-url]');
    if (!section) return;
    var url = section.getAttribute('data-share-url');
    var native = document.getElementById('share-native');
    if (native && navigator.share) {
      native.parentNode.hidden = false;
      native.addEventListener('click', function () {
        navigator.share({ title: document.title, text: section.getAttribute('data-share-text'), url: url }).catch(function () {});
      });
    }
    var copy = document.getElementById('copy-share');
    var input = document.getElementById('share-url');
    var live = document.getElementById('copy-share-live');
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener('click', function () {
        navigator.clipboard.writeText(input.value).then(function () { live.textContent = t.copied; }, function () { input.select(); });
      });
    }
  }

  // Inside an organisation's page (embed.js): tell it this page's height, so its frame fits. The
  // browser lets only FRAME_ANCESTORS frame the page (CSP), and postMessage delivers only to the
  // origin named, so the height goes to the page that framed this one and nowhere else.
  function tellFrameHeight() {
    if (window.parent === window) return;
    var parentOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || new URLSearchParams(location.search).get('embed');
    if (!parentOrigin || !/^https?:\/\/[^/]+$/.test(parentOrigin)) return;
    var last = 0;
    var tell = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: 'dearmp:height', height: height }, parentOrigin);
    };
    tell();
    if (window.ResizeObserver) new ResizeObserver(tell).observe(document.body);
    window.addEventListener('load', tell);
  }

  // The Sign form posts to the server (the same path as without JavaScript); this only keeps a
  // double press from posting twice and says that it is on its way.
  function petitionPage() {
    var form = document.getElementById('petition-form');
    var sign = document.getElementById('sign');
    if (!form || !sign) return;
    var sending = false;
    form.addEventListener('submit', function (event) {
      if (sending) { event.preventDefault(); return; }
      sending = true;
      sign.setAttribute('aria-disabled', 'true');
      sign.textContent = t.signing;
    });
    // Back from the next page (kept in the back/forward cache): the button works again.
    window.addEventListener('pageshow', function () {
      sending = false;
      sign.removeAttribute('aria-disabled');
      sign.textContent = t.sign;
    });
  }

  function statusPage() {
    var copy = document.getElementById('copy-link');
    var link = document.getElementById('status-link');
    var copyLive = document.getElementById('copy-live');
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      copy.addEventListener('click', function () {
        navigator.clipboard.writeText(link.value).then(function () { copyLive.textContent = copy.getAttribute('data-copied'); });
      });
    }
    var section = document.querySelector('.status');
    var heading = document.getElementById('thanks-title');
    if (heading) heading.focus();
    if (!section || section.getAttribute('data-in-progress') !== 'true') return;
    var refresh = document.getElementById('refresh-link');
    if (refresh) refresh.hidden = true;
    var live = document.getElementById('status-live');
    // Refreshed in place while letters are moving; only changes are announced.
    var timer = setInterval(function () {
      api('GET', section.getAttribute('data-status-url')).then(function (res) {
        if (res.status !== 200) return;
        var changed = false;
        res.body.letters.forEach(function (letter) {
          var item = document.querySelector('[data-letter-id="' + letter.id + '"] .letter-status');
          if (item && item.getAttribute('data-status') !== letter.status) {
            item.setAttribute('data-status', letter.status);
            item.textContent = t.words[letter.status];
            changed = true;
          }
        });
        if (changed) live.textContent = t.updated;
        if (res.body.status !== 'in_progress') clearInterval(timer);
      });
    }, data.refreshMs);
  }
})();
