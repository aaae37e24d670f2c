// Dashboard behaviour: the theme toggle cycles auto → dark → light and remembers the choice.
document.addEventListener("DOMContentLoaded", function () {
  var order = ["auto", "dark", "light"];
  document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var root = document.documentElement;
      var next = order[(order.indexOf(root.getAttribute("data-theme")) + 1) % order.length];
      root.setAttribute("data-theme", next);
      button.setAttribute("title", "Theme: " + next);
      try { window.localStorage.setItem("harmony-theme", next); } catch (e) { /* storage disabled */ }
    });
  });
});
