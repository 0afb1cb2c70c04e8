// Starts the wasm app and registers the service worker that makes later starts offline.
// index.html's plain login form stays until the app's own login takes it over.
import init from "{{glue}}";
try {
  await init({ module_or_path: "{{wasm}}" });
} catch (e) {
  const status = document.getElementById("boot-status");
  if (status) status.textContent = "应用加载失败，请检查网络后刷新页面。";
  throw e;
}
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("service worker", e));
}
