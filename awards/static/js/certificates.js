// Certificate job progress (templates/decisions/certificates.html): the bar's width comes from data-percent
// (no inline style), and while the job is queued or running the status endpoint is polled; when it ends the
// page reloads to show the download link or the error and the retry button.
(function () {
  var box = document.getElementById("certificate-job");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar[data-percent]");
  var meter = document.getElementById("job-progress");
  function show(percent) {
    if (!bar) { return; }
    percent = Math.max(0, Math.min(100, Number(percent) || 0));
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    if (meter) { meter.setAttribute("aria-valuenow", String(percent)); }
  }
  show(bar ? bar.dataset.percent : 0);
  var state = box.dataset.state;
  if (state !== "queued" && state !== "running") { return; }
  var url = box.dataset.statusUrl;
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        show(status.percent);
        var done = document.getElementById("job-done"), total = document.getElementById("job-total");
        if (done) { done.textContent = status.done; }
        if (total) { total.textContent = status.total; }
        if (status.state !== state || status.stale) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
