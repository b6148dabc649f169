// Asks before a destructive admin action (forms marked data-confirm); kept out of the templates for the CSP.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
