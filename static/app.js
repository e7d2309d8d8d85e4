// Dashboard glue (no build step): clipboard copy for elements marked data-copy-target.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy-target]") : null;
  if (!button) return;
  const source = document.querySelector(button.getAttribute("data-copy-target"));
  if (!source) return;
  const text = "value" in source ? source.value : source.textContent;
  navigator.clipboard?.writeText(text ?? "").then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = label), 1500);
  });
});
