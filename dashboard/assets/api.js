// Calls to our own API. A 401 sends the browser to the sign-in page and back here afterwards.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function toLogin() {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

export async function api(path, { method = "GET", params, body, signal } = {}) {
  const url = params ? `${path}?${params.toString()}` : path;
  const init = { method, signal, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "The API did not answer: check that it is running and reachable.");
  }
  if (response.status === 401) {
    toLogin();
    throw new ApiError(401, "Sign-in needed.");
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const detail = data && typeof data.detail === "string" ? data.detail : `The API answered ${response.status}.`;
    throw new ApiError(response.status, detail);
  }
  return data;
}
