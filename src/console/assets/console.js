// The console's script beyond htmx: nothing here is needed to read a page.
// A page that wants a behaviour names it in data-console="…"; this module
// loads that behaviour's file (e.g. upload.js) on demand.
for (const element of document.querySelectorAll('[data-console]')) {
  const behaviour = element.getAttribute('data-console');
  if (/^[a-z-]+$/.test(behaviour ?? '')) {
    import(`/console/static/${behaviour}.js`).then((module) => module.attach(element));
  }
}
