// Check-in page: camera scanning with the locally served jsQR (Apache-2.0, vendor/jsQR.LICENSE).
// Without JavaScript or a camera, the typed code form works on its own.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("checkin-form");
  const input = document.getElementById("id_code");
  const start = document.getElementById("scan-start");
  const video = document.getElementById("scan-video");
  const canvas = document.getElementById("scan-canvas");
  if (!form || !input) return;

  // After each answer, clear and refocus the input so that the next attendee in the queue is quick.
  document.body.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target && e.detail.target.id === "checkin-result") {
      input.value = "";
      input.focus();
    }
  });

  if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") return;
  start.classList.remove("d-none");
  const startLabel = start.innerHTML;
  let stream = null;
  let last = "";
  let lastAt = 0;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });

  function submit(code) {
    input.value = code;
    if (window.htmx) {
      window.htmx.trigger(form, "submit");
    } else {
      form.requestSubmit();
    }
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      const now = Date.now();
      // The same code stays in view for a while: submit it once, then wait for another one.
      if (found && found.data && (found.data !== last || now - lastAt > 4000)) {
        last = found.data;
        lastAt = now;
        submit(found.data);
      }
    }
    requestAnimationFrame(tick);
  }

  start.addEventListener("click", async () => {
    if (stream) {
      stream.getTracks().forEach((t) => t.stop());
      stream = null;
      video.classList.add("d-none");
      start.innerHTML = startLabel;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (err) {
      start.disabled = true;
      return;
    }
    video.srcObject = stream;
    video.classList.remove("d-none");
    await video.play();
    start.textContent = start.dataset.labelStop;
    requestAnimationFrame(tick);
  });
});
