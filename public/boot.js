// Starts the WebAssembly app from a file rather than Trunk's inline script, so the page runs
// under a Content-Security-Policy without 'unsafe-inline'. Trunk writes the hashed file names
// into this tag's data attributes (see pattern_script in Trunk.toml).
const tag = document.querySelector("script[data-wasm]");
const status = document.getElementById("boot-status");
try {
  const { default: init } = await import(tag.dataset.js);
  await init({ module_or_path: tag.dataset.wasm });
  status?.remove();
  dispatchEvent(new CustomEvent("TrunkApplicationStarted"));
} catch (error) {
  if (status) {
    status.setAttribute("role", "alert");
    status.textContent = `Tolerance Editor could not start: ${error}`;
  }
  throw error;
}
