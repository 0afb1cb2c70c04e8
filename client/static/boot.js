// Starts the wasm app and registers the service worker that makes later starts offline.
import init from "{{glue}}";
document.getElementById("loading")?.remove();
await init({ module_or_path: "{{wasm}}" });
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker", e));
}
