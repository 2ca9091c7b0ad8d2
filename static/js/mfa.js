// Two-factor page: once django-otp-webauthn has registered a passkey, reload to list it.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
