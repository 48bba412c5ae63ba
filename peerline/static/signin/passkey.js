// After a passkey is made, go on to the page the button names (recovery codes, then onward).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = event.target.closest("[data-done-url]") || document.getElementById("passkey-register-button");
  if (button && button.dataset.doneUrl) {
    window.location.assign(button.dataset.doneUrl);
  }
});
