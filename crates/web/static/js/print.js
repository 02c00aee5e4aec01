// The Print buttons of Kodlek's printable pages (sign-in cards, the letter home). They are
// hidden until this script runs, so that a page without scripts shows no dead button.
for (const button of document.querySelectorAll('button[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
