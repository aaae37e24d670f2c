// Applies the saved theme before the page paints (loaded synchronously in <head>).
(function () {
  var saved = null;
  try { saved = window.localStorage.getItem("harmony-theme"); } catch (e) { /* storage disabled */ }
  document.documentElement.setAttribute("data-theme", saved === "light" || saved === "dark" ? saved : "auto");
})();
