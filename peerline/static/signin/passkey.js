// Passkey buttons (django-otp-webauthn): usable only once they work.
//
// Each button comes from its <template> `disabled`. The library's script puts it on the page and
// binds its click handler, but that handler calls `gettext` from Django's translation catalog,
// which the library loads on its own (`async`): a click before the catalog arrived threw and did
// nothing. So a button is enabled here once both are true: it is bound (the library binds it in
// the microtasks that follow its insertion, so a task later it is) and the catalog is loaded. If
// the catalog never loads, the button stays disabled: the app code beside it still works.

const BUTTONS = ["passkey-register-button", "passkey-verification-button"];

function catalogLoaded() {
  return typeof window.gettext === "function";
}

function enable(button) {
  if (catalogLoaded()) {
    button.disabled = false;
    button.dataset.passkeyReady = "true";
  } else if (document.readyState !== "complete") {
    // The catalog is an async script: it has run by the window's load event, or it failed.
    window.addEventListener("load", () => catalogLoaded() && enable(button), { once: true });
  }
}

function arrived() {
  for (const id of BUTTONS) {
    const button = document.getElementById(id);
    if (button) {
      watcher.disconnect(); // one passkey button a page
      setTimeout(() => enable(button), 0); // after the library's binding microtasks
      return;
    }
  }
}

const watcher = new MutationObserver(arrived);
watcher.observe(document.documentElement, { childList: true, subtree: true });
arrived();

// After a passkey is made, go on to the page the button names (recovery codes, then onward).
document.addEventListener("otp_webauthn.register_complete", (event) => {
  const button = event.target.closest("[data-done-url]") || document.getElementById("passkey-register-button");
  if (button && button.dataset.doneUrl) {
    window.location.assign(button.dataset.doneUrl);
  }
});
