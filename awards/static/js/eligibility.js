// Quota meters: the bar's width comes from data-percent (templates carry no inline style or script).
document.querySelectorAll(".quotas .progress-bar[data-percent]").forEach(function (bar) {
  bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
});
