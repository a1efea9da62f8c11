/* global document, window, XMLHttpRequest */
// Progressive enhancement of the evidence upload form (views/submissions/_upload.njk). Without
// this file the form posts to the page route. With it, the same fields go to the API route so the
// upload can show progress: a <progress> bar, the percentage announced politely in a status
// region, and the API's error (message and code) announced at once in an alert region.
'use strict';

(function enhanceUpload() {
  const form = document.getElementById('upload-form');
  if (!form || typeof window.FormData !== 'function' || typeof XMLHttpRequest !== 'function') return;
  const fileInput = form.querySelector('input[type="file"]');
  const group = document.getElementById('upload-progress-group');
  const progress = document.getElementById('upload-progress');
  const status = document.getElementById('upload-status');
  const alertRegion = document.getElementById('upload-error');
  const button = form.querySelector('button[type="submit"]');
  let busy = false;

  function say(text) {
    status.textContent = text;
  }

  function clearError() {
    alertRegion.className = 'vrp-upload-error';
    alertRegion.textContent = '';
  }

  // Built with textContent only: the message may quote what the person sent.
  function showError(message, code) {
    clearError();
    const body = document.createElement('div');
    body.className = 'usa-alert__body';
    const text = document.createElement('p');
    text.className = 'usa-alert__text';
    text.textContent = message;
    const codeLine = document.createElement('p');
    codeLine.className = 'usa-alert__text vrp-error-code';
    const small = document.createElement('small');
    small.appendChild(document.createTextNode('Error code: '));
    const codeEl = document.createElement('code');
    codeEl.textContent = code;
    small.appendChild(codeEl);
    codeLine.appendChild(small);
    body.appendChild(text);
    body.appendChild(codeLine);
    alertRegion.className = 'usa-alert usa-alert--error usa-alert--slim vrp-upload-error';
    alertRegion.appendChild(body);
  }

  function finish() {
    busy = false;
    button.disabled = false;
  }

  function errorFrom(xhr) {
    try {
      const parsed = JSON.parse(xhr.responseText);
      if (parsed && parsed.error && typeof parsed.error.message === 'string') return parsed.error;
    } catch (_err) {
      // Not JSON (a proxy's error page): fall through to the generic message.
    }
    return { message: 'The upload failed (HTTP ' + xhr.status + '). Try again.', code: 'http_' + xhr.status };
  }

  form.addEventListener('submit', function onSubmit(event) {
    event.preventDefault();
    if (busy) return;
    const file = fileInput && fileInput.files && fileInput.files[0];
    if (!file) {
      showError('Choose a file to upload.', 'file_required');
      if (fileInput) fileInput.focus();
      return;
    }
    const data = new window.FormData(form);
    // Empty fields mean "not given" (the API would refuse an empty label or public-version id).
    Array.from(data.entries()).forEach(function drop(entry) {
      if (entry[1] === '') data.delete(entry[0]);
    });
    busy = true;
    button.disabled = true;
    clearError();
    group.hidden = false;
    progress.value = 0;
    say('Uploading ' + file.name + ': 0%');
    let announced = 0;

    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('data-upload-url'));
    xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf'));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function onProgress(e) {
      if (!e.lengthComputable) return;
      const pct = Math.min(100, Math.floor((e.loaded / e.total) * 100));
      progress.value = pct;
      // Announce every 10 points, not every event, so a screen reader is not flooded.
      if (pct - announced >= 10 || pct === 100) {
        announced = pct;
        say('Uploading ' + file.name + ': ' + pct + '%');
      }
    });
    xhr.addEventListener('load', function onLoad() {
      if (xhr.status === 201) {
        progress.value = 100;
        say('Uploaded ' + file.name + '. Updating the list of documents.');
        window.location.assign(form.getAttribute('data-done-url'));
        return;
      }
      const err = errorFrom(xhr);
      finish();
      say('Upload failed.');
      showError(err.message, err.code);
    });
    xhr.addEventListener('error', function onError() {
      finish();
      say('Upload failed.');
      showError('The connection was lost during the upload. Check your connection and try again.', 'network_error');
    });
    xhr.send(data);
  });
})();
