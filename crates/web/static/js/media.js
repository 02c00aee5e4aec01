// The media page's upload: the chosen file is sent as it is to POST /api/v1/media, which
// recognises it by its content. The form stays hidden until this script runs, so that a page
// without scripts shows no dead button (it says instead that uploading needs them).
const form = document.getElementById('media-upload');
const note = document.getElementById('media-needs-script');
if (form) {
  form.hidden = false;
  if (note) note.hidden = true;
  const error = document.getElementById('media-upload-error');
  const show = (text) => {
    error.textContent = text;
    error.hidden = false;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const file = document.getElementById('media-file').files[0];
    if (!file) return;
    if (file.size > Number(form.dataset.maxBytes)) {
      show(form.dataset.tooLarge);
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const answer = await fetch('/api/v1/media', {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': file.type || 'application/octet-stream' },
        credentials: 'same-origin',
      });
      if (answer.status === 201) {
        window.location.assign('/media?done=media-uploaded');
        return;
      }
      const body = await answer.json().catch(() => null);
      show(body && body.error ? body.error.message : form.dataset.failed);
    } catch {
      show(form.dataset.failed);
    } finally {
      button.disabled = false;
    }
  });
}
