// Runs before the wasm has arrived: index.html's login form (#boot) can be
// filled at once; a tap on 登录 is held until the app's login takes it over.
(function () {
  var boot = document.getElementById("boot");
  var submit = document.getElementById("boot-submit");
  if (!boot || !submit) return;
  try {
    if (localStorage.getItem("mopai-signed-in") === "1") boot.classList.add("signed-in");
  } catch (e) {}
  submit.disabled = false;
  document.getElementById("boot-login").addEventListener("submit", function (e) {
    e.preventDefault();
    boot.dataset.pending = "1";
    submit.disabled = true;
    submit.textContent = "应用加载后自动登录…";
  });
})();
