// Live monitor (Translator page): keeps only the newest rows the table asks for, and clears it on request.
(() => {
  const rows = () => document.getElementById("monitor-rows");

  function trim() {
    const body = rows();
    if (!body) return;
    const keep = Number(body.dataset.keep) || 200;
    if (body.rows.length > 1) document.getElementById("monitor-empty")?.remove();
    while (body.rows.length > keep) body.deleteRow(-1);
  }

  document.addEventListener("htmx:sse:after:message", trim);
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("#monitor-clear")) return;
    const body = rows();
    if (body) body.replaceChildren();
  });
})();
