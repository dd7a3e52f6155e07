// Sign-in: trade an API token for an HttpOnly cookie, then go back to where the user was.
const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

function nextUrl() {
  const next = new URLSearchParams(window.location.search).get("next") || "/";
  // Only pages of this site, judged as the browser will resolve the address ("/\\evil.example" is another host).
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : "/";
  } catch {
    return "/";
  }
}

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  error.textContent = "";
  const token = document.getElementById("token").value.trim();
  const response = await fetch("/auth/login", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }),
  }).catch(() => null);
  if (response && response.status === 204) {
    window.location.assign(nextUrl());
    return;
  }
  let detail = "The API did not answer: check that it is running.";
  if (response) {
    try {
      detail = (await response.json()).detail || detail;
    } catch {
      detail = `The API answered ${response.status}.`;
    }
  }
  error.textContent = detail;
});
